import NIOCore
import NetplayBase

/// Why a ``UDPDriver`` refused a request.
package enum UDPDriverError: Error, Hashable, Sendable {
    /// The address is not an IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast group.
    case notMulticastGroup(PeerAddress)
    /// The socket cannot join groups (it is closed).
    case multicastUnavailable
}

extension UDPDriver {
    /// Joins a multicast group, so datagrams sent to it arrive at this driver (LAN discovery:
    /// everyone listening for games hears one advert). Bind to the wildcard address of the
    /// group's family (`"0.0.0.0"` or `"::"`) and the group's port, with
    /// ``Configuration/reusesAddress`` so several listeners on one machine can share it.
    /// The port in `group` is ignored.
    /// - Throws: ``UDPDriverError`` for a non-group address or a closed socket; SwiftNIO's
    ///   `IOError` if the system refuses (no multicast route, wrong family for this socket).
    func joinMulticastGroup(_ group: PeerAddress) async throws {
        try await multicastChannel().joinGroup(try Self.multicastSocketAddress(group)).get()
    }

    /// Leaves a group joined with ``joinMulticastGroup(_:)``.
    func leaveMulticastGroup(_ group: PeerAddress) async throws {
        try await multicastChannel().leaveGroup(try Self.multicastSocketAddress(group)).get()
    }

    private func multicastChannel() throws(UDPDriverError) -> any MulticastChannel {
        guard channel.isActive, let multicast = channel as? any MulticastChannel else { throw .multicastUnavailable }
        return multicast
    }

    private static func multicastSocketAddress(_ group: PeerAddress) throws(UDPDriverError) -> SocketAddress {
        guard let address = SocketAddress(group, mapsIPv4ToIPv6: false), address.isMulticast else {
            throw .notMulticastGroup(group)
        }
        return address
    }
}
