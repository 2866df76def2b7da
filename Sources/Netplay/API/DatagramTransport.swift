/// What carries a session's datagrams: the real ``UDPDriver``, or a virtual network in tests.
protocol DatagramTransport: Sendable {
    /// Sends a batch of datagrams, from any thread.
    func send(_ datagrams: [Datagram])
    /// Stops sending and receiving; idempotent.
    func close() async
}

extension UDPDriver: DatagramTransport {
    func send(_ datagrams: [Datagram]) {
        send(datagrams.map { ($0.address, $0.bytes) })
    }
}
