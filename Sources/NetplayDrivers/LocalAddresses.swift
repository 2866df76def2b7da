import NIOCore
import NIOPosix
import NetplayBase

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This machine's addresses and name, for join strings and adverts.
package enum LocalAddresses {
    /// This machine's host name, shown in adverts when the game gives no player name.
    package static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The first IPv4 address of an interface that is up and not loopback, else 127.0.0.1.
    package static func preferredIPv4() -> [UInt8] {
        let devices = (try? System.enumerateDevices()) ?? []
        for device in devices {
            guard let address = device.address, case .v4 = address, let peer = PeerAddress(address),
                peer.addressBytes.first != 127
            else { continue }
            return Array(peer.addressBytes)
        }
        return [127, 0, 0, 1]
    }
}
