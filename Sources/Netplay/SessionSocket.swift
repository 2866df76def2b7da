import NetplayBase

/// Opens a session's socket as its ``NetOptions/servicing`` asks: serviced by a network thread
/// of its own or by the game's thread (`SocketTransport`).
enum SessionSocket {
    /// Binds `session` to `host` and `port` and returns the bound address.
    /// - Parameters:
    ///   - clock: The clock the session's endpoint was created with.
    ///   - sharesClientThread: With a network thread, whether it is the one all clients share
    ///     (`NetworkThread.clients`) rather than one of the session's own.
    static func open(
        _ session: NetSession, host: String, port: Int, clock: MonotonicClock = MonotonicClock(),
        sharesClientThread: Bool = false
    ) throws(NetError) -> PeerAddress {
        let servicing: SocketTransport.Servicing =
            session.options.servicing == .gameThread ? .gameThread : sharesClientThread ? .clientsThread : .ownThread
        return try SocketTransport.start(session, host: host, port: port, clock: clock, servicedBy: servicing)
            .socket.localAddress
    }
}
