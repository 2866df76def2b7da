import Foundation
import NIOConcurrencyHelpers
import NamespaceEntry
import ProcessTestSupport
import Testing

@testable import NetplayBase
@testable import NetplayDrivers

extension TransportTests {
    /// A run of datagrams whose segments are larger than the path's MTU (a VPN's, say): Linux
    /// refuses the run whole (`EMSGSIZE` since 2021), and the writer sends its datagrams one
    /// by one, which the kernel fragments and delivers. The path is the loopback of a network
    /// namespace this test makes (`NamespaceLab`), its MTU set to 1,400 bytes; nothing else is
    /// touched.
    @Suite("Runs over a small path MTU")
    struct PathMTUSegmentationTests {
        @Test func aRunOverThePathMTUGoesOneDatagramAtATime() throws {
            #if os(Linux)
            guard UDPSocket.segmentsSends else { try Test.cancel("this kernel has no UDP segmentation offload") }
            let tag = NetworkFault.namespaceTag(range: 3, index: 0)
            let (made, reason) = NamespaceLab.make(.subnetRouteOnly, tag: tag)
            guard let lab = made else { try Test.cancel("\(reason)") }
            defer { lab.tearDown() }
            try lab.setMTU(1_400, of: "lo", in: lab.host)
            let (sender, receiver) = try Self.openSockets(in: lab.host)
            defer { for socket in [sender, receiver] { socket.close() } }
            // 1,472 bytes: a full datagram on a 1,500-byte path, 100 over this one.
            let run = (0..<3).map { [UInt8](repeating: UInt8($0), count: 1_472) } + [[UInt8](repeating: 9, count: 736)]
            sender.send(run.map { (receiver.localAddress, $0) })
            let arrived = BatchedSystemCallTests.read(run.count, from: receiver).map(\.1)
            #expect(arrived.map(\.count) == run.map(\.count))
            #expect(arrived.elementsEqual(run), "the bytes differ")
            let statistics = sender.statistics
            #expect(statistics.datagramsSent == run.count)
            #expect(statistics.refusedSends == 0 && statistics.segmentedSends == 0)
            // The refused `sendmmsg`, then one `sendto` a datagram.
            #expect(statistics.sendCalls == 1 + run.count)
            #else
            try Test.cancel("Linux only")
            #endif
        }

        #if os(Linux)
        /// Opens a sender and a receiver on 127.0.0.1 inside `namespace`, from a thread of
        /// their own that enters it (a socket stays in the namespace it was opened in), so no
        /// other thread of the test process ever changes namespace.
        static func openSockets(in namespace: String) throws -> (ServicedUDPSocket, ServicedUDPSocket) {
            let opened = NIOLockedValueBox<Result<(ServicedUDPSocket, ServicedUDPSocket), any Error>?>(nil)
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                defer { done.signal() }
                let target = open("/run/netns/\(namespace)", O_RDONLY)
                guard target >= 0 else {
                    opened.withLockedValue { $0 = .failure(NamespaceError(step: "open the namespace", code: errno)) }
                    return
                }
                defer { close(target) }
                guard NamespaceEntry_enterNetworkNamespace(target) == 0 else {
                    opened.withLockedValue { $0 = .failure(NamespaceError(step: "enter the namespace", code: errno)) }
                    return
                }
                let result = Result {
                    (
                        try ServicedUDPSocket.open(host: "127.0.0.1", port: 0),
                        try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
                    )
                }
                opened.withLockedValue { $0 = result }
            }
            thread.start()
            guard done.wait(timeout: .now() + 10) == .success, let result = opened.withLockedValue({ $0 }) else {
                throw NamespaceError(step: "open the sockets in time", code: 0)
            }
            return try result.get()
        }

        struct NamespaceError: Error, CustomStringConvertible {
            var step: String
            var code: CInt
            var description: String { "could not \(step) (errno \(code))" }
        }
        #endif
    }
}
