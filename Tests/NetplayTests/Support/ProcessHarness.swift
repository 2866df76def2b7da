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

/// Two network namespaces joined by a veth pair, created for one test and removed after it:
/// the only "network" such tests ever touch.
final class NamespacePair {
    let host: String
    let client: String
    let hostAddress: String
    let clientAddress: String
    private let ip: String

    /// Creates `np<tag>h` and `np<tag>c`; nil (with the reason) when not root or no `ip`.
    static func make(tag: Int) -> (NamespacePair?, String) {
        guard ProcessHarness.isRoot else { return (nil, "network namespaces need root (CI runs as root)") }
        guard let ip = ProcessHarness.which("ip") else { return (nil, "the ip tool (iproute2) is missing") }
        let pair = NamespacePair(ip: ip, tag: tag)
        do {
            try pair.setUp()
            return (pair, "")
        } catch {
            pair.tearDown()
            return (nil, "could not create network namespaces: \(error)")
        }
    }

    private init(ip: String, tag: Int) {
        self.ip = ip
        host = "np\(tag)h"
        client = "np\(tag)c"
        let subnet = 100 + tag % 100
        hostAddress = "10.\(subnet).0.1"
        clientAddress = "10.\(subnet).0.2"
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

    private func setUp() throws {
        tearDown()
        for namespace in [host, client] {
            try ipCommand(["netns", "add", namespace])
            // IPv6 addresses start "tentative" for a second of duplicate-address detection and
            // cannot send until then; a private two-host link has no duplicates to detect.
            // Set before the veth arrives, so its per-device setting inherits it.
            try ipCommand([
                "netns", "exec", namespace, "sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad",
            ])
        }
        try ipCommand(["link", "add", "\(host)v", "type", "veth", "peer", "name", "\(client)v"])
        try ipCommand(["link", "set", "\(host)v", "netns", host])
        try ipCommand(["link", "set", "\(client)v", "netns", client])
        for (namespace, address) in [(host, hostAddress), (client, clientAddress)] {
            let device = "\(namespace)v"
            try ipCommand(["-n", namespace, "addr", "add", "\(address)/24", "dev", device])
            try ipCommand(["-n", namespace, "link", "set", device, "up"])
            try ipCommand(["-n", namespace, "link", "set", "lo", "up"])
            // Broadcast to 255.255.255.255 and multicast need a route out of the namespace's
            // only link; inside a private namespace that route leads nowhere else.
            try ipCommand(["-n", namespace, "route", "add", "default", "dev", device])
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
        for namespace in [host, client] {
            _ = try? ProcessHarness.run(ip, ["netns", "delete", namespace], timeout: .seconds(10))
        }
    }
}
