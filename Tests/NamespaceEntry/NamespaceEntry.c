#define _GNU_SOURCE
#include <errno.h>
#include "NamespaceEntry.h"
#ifdef __linux__
#include <sched.h>
#endif

int NamespaceEntry_enterNetworkNamespace(int descriptor) {
#ifdef __linux__
    return setns(descriptor, CLONE_NEWNET);
#else
    (void)descriptor;
    errno = ENOSYS;
    return -1;
#endif
}
