import NetplayBase

/// Opens a session's socket as its ``NetOptions/servicing`` asks: serviced by a network thread
/// of its own or by the game's thread (`SocketTransport`).
enum SessionSocket {
    /// Binds `session` to `host` and `port` and returns the bound address.
    /// - Parameters:
    ///   - clock: The clock the session's endpoint was created with.
    static func open(
        _ session: NetSession, host: String, port: Int, clock: MonotonicClock = MonotonicClock()
    ) throws(NetError) -> PeerAddress {
        let threaded = session.options.servicing == .networkThread
        return try SocketTransport.start(session, host: host, port: port, clock: clock, threaded: threaded)
            .socket.localAddress
    }
}
