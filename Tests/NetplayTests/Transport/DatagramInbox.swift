import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

extension TransportTests {
    /// Collects what a ``UDPDriver`` receives, so a real-socket test can wait for it with a bound.
    struct DatagramInbox: Sendable {
        let stream: AsyncStream<ReceivedDatagram>
        private let continuation: AsyncStream<ReceivedDatagram>.Continuation

        init() {
            (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        }

        /// The handler to pass to ``UDPDriver/bind(host:port:configuration:eventLoop:clock:onReadComplete:onBound:onDatagram:)``.
        var handler: UDPDriver.DatagramHandler {
            { [continuation] from, bytes in continuation.yield(ReceivedDatagram(from: from, bytes: bytes)) }
        }

        /// Waits for `count` datagrams, or until `timeout` passes; returns what arrived. After a
        /// timeout the inbox is finished (the stream ends when its reader is cancelled).
        func next(_ count: Int, within timeout: Duration) async -> [ReceivedDatagram] {
            await withTaskGroup(of: [ReceivedDatagram]?.self) { group in
                group.addTask { [stream] in
                    var received: [ReceivedDatagram] = []
                    for await datagram in stream {
                        received.append(datagram)
                        if received.count == count { break }
                    }
                    return received
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return nil
                }
                var result: [ReceivedDatagram] = []
                for await finished in group {
                    if let received = finished {
                        result = received
                        group.cancelAll()
                    } else {
                        group.cancelAll()
                    }
                }
                return result
            }
        }
    }
}
