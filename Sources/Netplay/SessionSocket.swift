import NetplayBase

/// Opens a session's socket as its ``NetOptions/servicing`` asks: driven by a network thread
/// of its own (`UDPSession`) or by the game's thread (`GameThreadTransport`).
enum SessionSocket {
    /// Binds `session` to `host` and `port` and returns the bound address.
    /// - Parameter clock: The clock the session's endpoint was created with.
    static func open(_ session: NetSession, host: String, port: Int, clock: MonotonicClock = MonotonicClock())
        async throws(NetError) -> PeerAddress
    {
        switch session.options.servicing {
        case .networkThread:
            return try await UDPSession.start(session, host: host, port: port, clock: clock).localAddress
        case .gameThread:
            return try GameThreadTransport.start(session, host: host, port: port, clock: clock).socket.localAddress
        }
    }
}
