import NIOCore
import NetplayBase

/// The socket address to send to for each peer, as a socket of one family sees it: converting
/// a `PeerAddress` allocates, and a game talks to a handful of peers, so they are cached.
///
/// An IPv6 socket reaches IPv4 peers through IPv4-mapped addresses; an IPv4 socket cannot reach
/// IPv6 peers at all.
struct SocketAddressCache {
    /// The family of the socket that sends.
    let socketFamily: PeerAddress.Family
    private var entries: [PeerAddress: SocketAddress] = [:]

    /// Bounds the cache against a flood of distinct destinations; past it, start over.
    private static let limit = 1024

    init(socketFamily: PeerAddress.Family) {
        self.socketFamily = socketFamily
    }

    /// The address to send `peer`'s datagrams to, or nil if this socket cannot reach it.
    mutating func address(for peer: PeerAddress) -> SocketAddress? {
        if let cached = entries[peer] { return cached }
        if socketFamily == .ipv4, peer.family == .ipv6 { return nil }
        guard let converted = SocketAddress(peer, mapsIPv4ToIPv6: socketFamily == .ipv6) else { return nil }
        if entries.count >= Self.limit { entries.removeAll(keepingCapacity: true) }
        entries[peer] = converted
        return converted
    }

    /// ``address(for:)``, counting a peer this socket cannot reach in `statistics` as a
    /// dropped datagram: what every send path does with it.
    mutating func address(
        for peer: PeerAddress, countingDropsIn statistics: inout UDPDriver.Statistics
    ) -> SocketAddress? {
        guard let remote = address(for: peer) else {
            statistics.droppedUnsupportedAddress += 1
            return nil
        }
        return remote
    }
}
