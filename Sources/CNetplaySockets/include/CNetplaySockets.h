#ifndef CNETPLAY_SOCKETS_H
#define CNETPLAY_SOCKETS_H

// Linux's batched datagram calls for the socket driver, and `ppoll`. Swift's Glibc module is
// built without _GNU_SOURCE, so `struct mmsghdr`, `sendmmsg`, `recvmmsg` and `ppoll` are
// invisible to Swift: this declares a structure of the same layout (checked in the .c file)
// and wrappers that take it.

#ifdef __linux__
#include <poll.h>
#include <sys/socket.h>

/// `struct mmsghdr`: one message of a batched call, and the bytes it moved.
typedef struct {
    struct msghdr msg_hdr;
    unsigned int msg_len;
} CNetplay_mmsghdr;

/// `sendmmsg(2)`: sends up to `count` messages; returns how many were sent, or -1 with errno
/// for the first one when none was.
int CNetplay_sendmmsg(int descriptor, CNetplay_mmsghdr *messages, unsigned int count, int flags);

/// `recvmmsg(2)` without a timeout: reads up to `count` datagrams; returns how many were read,
/// or -1 with errno (EAGAIN on a non-blocking socket with nothing waiting).
int CNetplay_recvmmsg(int descriptor, CNetplay_mmsghdr *messages, unsigned int count, int flags);

/// `ppoll(2)` with a timeout in nanoseconds (not negative) and no signal mask: `poll(2)` takes
/// whole milliseconds, so a wait for a deadline 0.2 ms away slept a millisecond or more.
int CNetplay_ppoll(struct pollfd *entries, unsigned long count, long long nanoseconds);
#endif

#endif
