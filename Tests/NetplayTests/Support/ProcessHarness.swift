import Foundation
import ProcessTestSupport

/// Runs helper programs (`ip`, the built `netplay` tool) for tests that need real processes
/// or network namespaces. Every wait is bounded.
enum ProcessHarness {
    struct Result {
        var status: Int32
        var output: String
    }

    /// The directory holding the built products (`netplay`, `skirmish`), next to the test bundle.
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    static func product(_ name: String) -> String { productsDirectory.appendingPathComponent(name).path }

    static var isRoot: Bool { getuid() == 0 }

    static func which(_ program: String) -> String? {
        for directory in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"] {
            let path = directory + "/" + program
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a program to completion (killed after `timeout`), returning status and combined output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(60)) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    typealias Background = BackgroundProcess
}

/// Network namespaces joined by veth pairs, created for one test and removed after it: the
/// only "network" such tests ever touch. One host namespace, and one client namespace per link.
final class NamespaceLab {
    /// How the namespaces are wired and addressed.
    enum Topology: String, CaseIterable, Sendable {
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

        var links: Int { self == .twoSubnets ? 2 : 1 }
        var usesIPv4: Bool { self != .ipv6LinkLocalOnly }
    }

    let topology: Topology
    let host: String
    /// One client namespace per link.
    let clients: [String]
    /// The host's address on each link (IPv4 topologies; empty for IPv6 link-local).
    let hostAddresses: [String]
    private let ip: String
    private let subnet: Int

    /// Creates the namespaces; nil (with the reason) when not root or no `ip`.
    static func make(_ topology: Topology, tag: Int) -> (NamespaceLab?, String) {
        guard ProcessHarness.isRoot else { return (nil, "network namespaces need root (CI runs as root)") }
        guard let ip = ProcessHarness.which("ip") else { return (nil, "the ip tool (iproute2) is missing") }
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
        let result = try ProcessHarness.run(ip, arguments, timeout: .seconds(10))
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
    func start(in namespace: String, _ arguments: [String]) throws -> ProcessHarness.Background {
        try ProcessHarness.Background(ip, ["netns", "exec", namespace] + arguments)
    }

    /// Runs `arguments` inside `namespace` to completion.
    func run(in namespace: String, _ arguments: [String], timeout: Duration = .seconds(60)) throws
        -> ProcessHarness.Result
    {
        try ProcessHarness.run(ip, ["netns", "exec", namespace] + arguments, timeout: timeout)
    }

    func tearDown() {
        // Deleting a namespace deletes the veth ends inside it, and so the pairs.
        for namespace in [host] + clients {
            _ = try? ProcessHarness.run(ip, ["netns", "delete", namespace], timeout: .seconds(10))
        }
    }
}
