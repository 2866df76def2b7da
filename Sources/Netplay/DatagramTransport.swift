import NetplayBase
import NetplayDrivers
import NetplayProtocol

/// What carries a session's datagrams: the real ``UDPDriver``, or a virtual network in tests.
package protocol DatagramTransport: Sendable {
    /// Sends a batch of datagrams, from any thread.
    func send(_ datagrams: [Datagram])
    /// Runs `work` on the network thread as soon as it is free, with the time then.
    func runSoon(_ work: @escaping @Sendable (NetInstant) -> Void)
    /// Stops sending and receiving; idempotent.
    func close() async
}

extension UDPDriver: DatagramTransport {
    package func runSoon(_ work: @escaping @Sendable (NetInstant) -> Void) {
        let clock = clock
        eventLoop.execute { work(clock.now) }
    }

    package func send(_ datagrams: [Datagram]) {
        send(datagrams.map { ($0.address, $0.bytes) })
    }
}
