import NIOCore
import NIOPosix
import NetplayBase
import NetplayDiscovery

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

    /// Every address of every interface, from `getifaddrs`: what discovery sends on. Empty if
    /// the system refuses to list them (discovery then has nothing to send on, and says so).
    package static func interfaces() -> [InterfaceAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var result: [InterfaceAddress] = []
        // The list is a C linked list the system built; it ends, but bound the walk anyway.
        let maxEntries = 4096
        var entry: UnsafeMutablePointer<ifaddrs>? = first
        while let current = entry, result.count < maxEntries {
            entry = current.pointee.ifa_next
            let raw = current.pointee
            guard let address = raw.ifa_addr.flatMap(peerAddress), let name = raw.ifa_name else { continue }
            let interfaceName = String(cString: name)
            var flags = InterfaceAddress.Flags()
            if raw.ifa_flags & UInt32(IFF_UP) != 0 { flags.insert(.up) }
            if raw.ifa_flags & UInt32(IFF_LOOPBACK) != 0 { flags.insert(.loopback) }
            if raw.ifa_flags & UInt32(IFF_BROADCAST) != 0 { flags.insert(.broadcast) }
            if raw.ifa_flags & UInt32(IFF_MULTICAST) != 0 { flags.insert(.multicast) }
            result.append(
                InterfaceAddress(
                    name: interfaceName, index: if_nametoindex(name), flags: flags, address: address,
                    broadcastAddress: flags.contains(.broadcast) ? broadcastAddress(of: raw, address: address) : nil))
        }
        return result
    }

    /// An IPv4 or IPv6 socket address as a peer address (IPv6 link-local with its scope id).
    private static func peerAddress(_ pointer: UnsafeMutablePointer<sockaddr>) -> PeerAddress? {
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            let address = pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
            return PeerAddress(SocketAddress(address, host: ""))
        case AF_INET6:
            let address = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
            return PeerAddress(SocketAddress(address, host: ""))
        default:
            return nil
        }
    }

    /// The address and netmask's subnet broadcast; the one the system reports only when the
    /// netmask is missing (an address added without `brd` reports none, or 0.0.0.0).
    private static func broadcastAddress(of entry: ifaddrs, address: PeerAddress) -> PeerAddress? {
        if let netmask = entry.ifa_netmask.flatMap(peerAddress) {
            return InterfaceAddress.subnetBroadcast(address: address, netmask: netmask)
        }
        #if canImport(Glibc)
        // glibc names the union member for the broadcast (or point-to-point) address ifa_ifu.
        guard let pointer = entry.ifa_ifu.ifu_broadaddr else { return nil }
        #else
        guard let pointer = entry.ifa_dstaddr else { return nil }
        #endif
        guard let reported = peerAddress(pointer), reported.family == .ipv4,
            reported.addressBytes.contains(where: { $0 != 0 })
        else { return nil }
        return reported
    }
}
