#ifdef __linux__
#define _GNU_SOURCE
#include <poll.h>
#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include "CNetplaySockets.h"

// Receive offload's option and control message type (`UDPSocket.udpReceiveOffload` in Swift),
// for C libraries whose headers predate it.
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

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

static CNetplay_ReceiveControl receiveControl(const struct msghdr *message) {
    CNetplay_ReceiveControl found = {.segmentSize = 0, .receivedAtNanoseconds = -1};
    // CMSG_NXTHDR takes a non-const header; it only reads it.
    struct msghdr *header = (struct msghdr *)message;
    for (struct cmsghdr *control = CMSG_FIRSTHDR(header); control != NULL; control = CMSG_NXTHDR(header, control)) {
        if (control->cmsg_level == IPPROTO_UDP && control->cmsg_type == UDP_GRO &&
            control->cmsg_len >= CMSG_LEN(sizeof(int))) {
            found.segmentSize = *(const int *)CMSG_DATA(control);
        } else if (control->cmsg_level == SOL_SOCKET && control->cmsg_type == SCM_TIMESTAMPNS &&
                   control->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
            const struct timespec *stamp = (const struct timespec *)CMSG_DATA(control);
            found.receivedAtNanoseconds = (long long)stamp->tv_sec * 1000000000LL + stamp->tv_nsec;
        }
    }
    return found;
}

void CNetplay_receiveControls(const CNetplay_mmsghdr *messages, unsigned int count, CNetplay_ReceiveControl *found) {
    for (unsigned int index = 0; index < count; index++) found[index] = receiveControl(&messages[index].msg_hdr);
}

int CNetplay_setReceiveTimestamps(int descriptor, int on) {
    return setsockopt(descriptor, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
}

long long CNetplay_realtimeNanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}
#endif
