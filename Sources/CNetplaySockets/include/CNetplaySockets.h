#ifndef CNETPLAY_SOCKETS_H
#define CNETPLAY_SOCKETS_H

// Linux's batched datagram calls for the socket driver. Swift's Glibc module is built without
// _GNU_SOURCE, so `struct mmsghdr`, `sendmmsg` and `recvmmsg` are invisible to Swift: this
// declares a structure of the same layout (checked in the .c file) and wrappers that take it.

#ifdef __linux__
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
#endif

#endif
