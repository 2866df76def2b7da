import NIOCore
import NIOPosix

/// This machine's addresses, for join strings.
enum LocalAddresses {
    /// The first IPv4 address of an interface that is up and not loopback, else 127.0.0.1.
    static func preferredIPv4() -> [UInt8] {
        let devices = (try? System.enumerateDevices()) ?? []
        for device in devices {
            guard let address = device.address, case .v4 = address, let peer = PeerAddress(address),
                  peer.addressBytes.first != 127 else { continue }
            return Array(peer.addressBytes)
        }
        return [127, 0, 0, 1]
    }
}
