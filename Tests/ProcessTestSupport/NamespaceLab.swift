import Foundation

/// Network namespaces joined by veth pairs, created for one test and removed after it: the
/// only "network" such tests ever touch. One host namespace, and one client namespace per link.
public final class NamespaceLab {
    /// How the namespaces are wired and addressed.
    public enum Topology: String, CaseIterable, Sendable {
        /// One /24 with only the subnet's own route (two laptops on a cable).
        case subnetRouteOnly
        /// The same, plus a default route out of the link (a LAN with a gateway).
        case withDefaultRoute
        /// IPv4 link-local addresses (169.254.0.0/16) at both ends, nothing else.
        case linkLocalIPv4
        /// A host on two subnets (two veths), a client on each.
        case twoSubnets
        /// IPv6 link-local addresses only: no IPv4 address anywhere.
        case ipv6LinkLocalOnly

        public var links: Int { self == .twoSubnets ? 2 : 1 }
        public var usesIPv4: Bool { self != .ipv6LinkLocalOnly }
    }

    public let topology: Topology
    public let host: String
    /// One client namespace per link.
    public let clients: [String]
    /// The host's address on each link (IPv4 topologies; empty for IPv6 link-local).
    public let hostAddresses: [String]
    private let ip: String
    private let subnet: Int

    /// Creates the namespaces; nil (with the reason) when not root or no `ip`.
    public static func make(_ topology: Topology, tag: Int) -> (NamespaceLab?, String) {
        guard Programs.isRoot else { return (nil, "network namespaces need root (CI runs as root)") }
        guard let ip = Programs.which("ip") else { return (nil, "the ip tool (iproute2) is missing") }
        let lab = NamespaceLab(ip: ip, topology: topology, tag: tag)
        do {
            try lab.setUp()
            return (lab, "")
        } catch {
            lab.tearDown()
            return (nil, "could not create network namespaces: \(error)")
        }
    }

    private init(ip: String, topology: Topology, tag: Int) {
        self.ip = ip
        self.topology = topology
        host = "np\(tag)h"
        clients = (0..<topology.links).map { "np\(tag)c\($0)" }
        subnet = 100 + tag % 100
        hostAddresses = (0..<topology.links).compactMap { link in
            switch topology {
            case .subnetRouteOnly, .withDefaultRoute, .twoSubnets: "10.\(100 + tag % 100).\(link).1"
            case .linkLocalIPv4: "169.254.\(100 + tag % 100).1"
            case .ipv6LinkLocalOnly: nil
            }
        }
    }

    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    private func ipCommand(_ arguments: [String]) throws {
        let result = try Programs.run(ip, arguments, timeout: .seconds(10))
        guard result.status == 0 else {
            throw SetupError(description: "ip \(arguments.joined(separator: " ")): \(result.output)")
        }
    }

    private func sysctl(_ namespace: String, _ path: String, _ value: Int) throws {
        try ipCommand(["netns", "exec", namespace, "sh", "-c", "echo \(value) > /proc/sys/net/\(path)"])
    }

    private func setUp() throws {
        tearDown()
        for namespace in [host] + clients {
            try ipCommand(["netns", "add", namespace])
            try ipCommand(["-n", namespace, "link", "set", "lo", "up"])
            if topology.usesIPv4 {
                // IPv4 cases prove the IPv4 paths alone: no IPv6 link-local to fall back on.
                try sysctl(namespace, "ipv6/conf/default/disable_ipv6", 1)
            } else {
                // IPv6 addresses start "tentative" for a second of duplicate-address detection
                // and cannot send until then; a private two-host link has no duplicates to
                // detect. Set before the veth arrives, so its per-device setting inherits it.
                try sysctl(namespace, "ipv6/conf/default/accept_dad", 0)
            }
        }
        for (link, client) in clients.enumerated() {
            let hostEnd = "\(host)\(link)"
            let clientEnd = "\(client)v"
            try ipCommand(["link", "add", hostEnd, "type", "veth", "peer", "name", clientEnd])
            try ipCommand(["link", "set", hostEnd, "netns", host])
            try ipCommand(["link", "set", clientEnd, "netns", client])
            for (namespace, device, end) in [(host, hostEnd, 1), (client, clientEnd, 2)] {
                switch topology {
                case .subnetRouteOnly, .withDefaultRoute, .twoSubnets:
                    try ipCommand(["-n", namespace, "addr", "add", "10.\(subnet).\(link).\(end)/24", "dev", device])
                case .linkLocalIPv4:
                    try ipCommand(["-n", namespace, "addr", "add", "169.254.\(subnet).\(end)/16", "dev", device])
                case .ipv6LinkLocalOnly:
                    break
                }
                try ipCommand(["-n", namespace, "link", "set", device, "up"])
                if topology == .withDefaultRoute {
                    try ipCommand(["-n", namespace, "route", "add", "default", "dev", device])
                }
            }
        }
    }

    /// Runs `arguments` inside `namespace` in the background.
    public func start(in namespace: String, _ arguments: [String]) throws -> BackgroundProcess {
        try BackgroundProcess(ip, ["netns", "exec", namespace] + arguments)
    }

    /// Runs `arguments` inside `namespace` to completion.
    public func run(in namespace: String, _ arguments: [String], timeout: Duration = .seconds(60)) throws
        -> Programs.Result
    {
        try Programs.run(ip, ["netns", "exec", namespace] + arguments, timeout: timeout)
    }

    // MARK: Faults

    /// The client's end of link `link`'s veth pair, inside the client's namespace.
    public func clientDevice(_ link: Int) -> String { "\(clients[link])v" }

    /// The client's IPv4 address on link `link` (the subnet topologies), as set up.
    public func clientAddress(_ link: Int) -> String { "10.\(subnet).\(link).2" }

    /// Takes link `link` down or up at the client's end, as a pulled cable or a dropped Wi-Fi
    /// does: the client's routes go with it, so its sends fail (`ENETUNREACH`) until it is back.
    public func setLink(_ link: Int, up: Bool) throws {
        try ipCommand(["-n", clients[link], "link", "set", clientDevice(link), up ? "up" : "down"])
    }

    /// Gives the client on link `link` another address on its subnet (`.3`) and removes the one
    /// it had: its packets come from the new address from then on, as after a DHCP renewal or
    /// a NAT rebinding (an unconnected socket picks its source per datagram). Subnet
    /// topologies only. Returns the new address.
    @discardableResult
    public func moveClientAddress(_ link: Int) throws -> String {
        let device = clientDevice(link)
        let moved = "10.\(subnet).\(link).3"
        // Removing a subnet's first address removes the others on it too, unless promoted.
        try sysctl(clients[link], "ipv4/conf/\(device)/promote_secondaries", 1)
        try ipCommand(["-n", clients[link], "addr", "add", "\(moved)/24", "dev", device])
        try ipCommand(["-n", clients[link], "addr", "del", "\(clientAddress(link))/24", "dev", device])
        return moved
    }

    /// Sets `device`'s MTU inside `namespace` (a path that carries smaller datagrams than
    /// Ethernet's, as a VPN's or PPPoE's does). A namespace's own loopback is `lo`.
    public func setMTU(_ bytes: Int, of device: String, in namespace: String) throws {
        try ipCommand(["-n", namespace, "link", "set", device, "mtu", "\(bytes)"])
    }

    public func tearDown() {
        // Deleting a namespace deletes the veth ends inside it, and so the pairs.
        for namespace in [host] + clients {
            _ = try? Programs.run(ip, ["netns", "delete", namespace], timeout: .seconds(10))
        }
    }
}
