/// What the two tables that keep peers in id order share: the core's `PeerTable` (in
/// `Netplay`) and the host endpoint's `HostPeers` (in `NetplayProtocol`).
///
/// Each keeps its own binary search: one generic search here, called from those modules,
/// ran unspecialized in the benchmarks' release build (about 800 instructions a game-thread
/// round trip through its closure, where the two searches inline to a few dozen).
package enum PeerIDOrder {
    /// The most peers a host reserves its tables for when it is made; beyond, they grow as
    /// peers join.
    package static let maxReserved = 1_024
}
