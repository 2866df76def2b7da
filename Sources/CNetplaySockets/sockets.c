#ifdef __linux__
#define _GNU_SOURCE
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include "CNetplaySockets.h"

_Static_assert(sizeof(CNetplay_mmsghdr) == sizeof(struct mmsghdr), "mmsghdr sizes differ");
_Static_assert(offsetof(CNetplay_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "msg_len moved");

int CNetplay_sendmmsg(int descriptor, CNetplay_mmsghdr *messages, unsigned int count, int flags) {
    return sendmmsg(descriptor, (struct mmsghdr *)messages, count, flags);
}

int CNetplay_recvmmsg(int descriptor, CNetplay_mmsghdr *messages, unsigned int count, int flags) {
    return recvmmsg(descriptor, (struct mmsghdr *)messages, count, flags, NULL);
}

int CNetplay_ppoll(struct pollfd *entries, unsigned long count, long long nanoseconds) {
    struct timespec timeout = {
        .tv_sec = (time_t)(nanoseconds / 1000000000LL),
        .tv_nsec = (long)(nanoseconds % 1000000000LL),
    };
    return ppoll(entries, (nfds_t)count, &timeout, NULL);
}
#endif
