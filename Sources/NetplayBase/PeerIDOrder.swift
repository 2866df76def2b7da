/// What the two tables that keep peers in id order share: the core's `PeerTable` (in
/// `Netplay`) and the host endpoint's `HostPeers` (in `NetplayProtocol`). The search that finds
/// a peer in them, and the room a host reserves for them when it is made.
package enum PeerIDOrder {
    /// The most peers a host reserves its tables for when it is made; beyond, they grow as
    /// peers join.
    package static let maxReserved = 1_024

    /// The first position in `sorted` (in increasing order of `id`) whose id is not below
    /// `target`: `target`'s if it is there, else where it belongs. A binary search: about six
    /// comparisons at 64 peers, ten at 1,000.
    @inlinable
    package static func firstPosition<Element>(
        notBelow target: PeerID, in sorted: [Element], id: (Element) -> PeerID
    ) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if id(sorted[middle]).rawValue < target.rawValue { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
