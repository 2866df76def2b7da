import NIOCore
import NetplayBase

extension PeerAddress {
    /// The address of a numeric IPv4 or IPv6 host (`"192.168.1.20"`, `"::1"`) and port.
    /// Names are not looked up: that would block, and LAN discovery hands out addresses anyway.
    public init(numericHost host: String, port: Int) throws(NetError) {
        guard let socketAddress = try? SocketAddress(ipAddress: host, port: port),
            let address = PeerAddress(socketAddress)
        else { throw .invalidAddress(host) }
        self = address
    }

    /// The wildcard address of this address's family, to bind a client socket that can reach it.
    var wildcardHost: String { family == .ipv6 ? "::" : "0.0.0.0" }
}
