#ifndef NAMESPACE_ENTRY_H
#define NAMESPACE_ENTRY_H

// Moves the calling thread into another network namespace, for tests that open sockets in a
// namespace they created (a socket stays in the namespace it was opened in). Swift's Glibc
// module hides setns(2), which needs _GNU_SOURCE.

/// setns(2) on `descriptor` (an open /run/netns/NAME or /proc/self/ns/net) for network
/// namespaces: 0, or -1 with errno. Linux only; elsewhere -1 with ENOSYS.
int NamespaceEntry_enterNetworkNamespace(int descriptor);

#endif
