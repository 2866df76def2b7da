import NetplayBase
import NetplayDrivers
import NetplayLinkConditioner
import NetplayProtocol

/// What carries a session's datagrams: the real `UDPDriver`, or a virtual network in tests.
package protocol DatagramTransport: Sendable {
    /// Sends a batch of datagrams, from any thread.
    func send(_ datagrams: [Datagram])
    /// Runs `work` on the network thread as soon as it is free, with the time then.
    func runSoon(_ work: @escaping @Sendable (NetInstant) -> Void)
    /// The transport's current time: real time for a socket, virtual time in a simulation.
    var now: NetInstant { get }
    /// Stops sending and receiving; idempotent.
    func close() async
    /// Impairs one direction of the socket (nil: clear it), to try a game against a bad
    /// network on real sockets.
    func setImpairment(_ impairment: LinkImpairment?, for direction: LinkDirection)
}

extension UDPDriver: DatagramTransport {
    package var now: NetInstant { clock.now }

    package func runSoon(_ work: @escaping @Sendable (NetInstant) -> Void) {
        // A closed driver's own loop may be shut down; there is nothing left to run then.
        guard channel.isActive else { return }
        let clock = clock
        eventLoop.execute { work(clock.now) }
    }

    package func send(_ datagrams: [Datagram]) {
        send(datagrams.map { ($0.address, $0.bytes) })
    }
}
