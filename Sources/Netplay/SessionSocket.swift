import NetplayBase

/// Opens a session's socket as its ``NetOptions/servicing`` asks: driven by a network thread
/// of its own (`UDPSession`) or by the game's thread (`GameThreadTransport`).
enum SessionSocket {
    /// Binds `session` to `host` and `port` and returns the bound address.
    /// - Parameters:
    ///   - clock: The clock the session's endpoint was created with.
    ///   - sharesClientLoop: With a network thread, whether it is the one all clients share.
    static func open(
        _ session: NetSession, host: String, port: Int, clock: MonotonicClock = MonotonicClock(),
        sharesClientLoop: Bool = false
    ) async throws(NetError) -> PeerAddress {
        switch session.options.servicing {
        case .networkThread:
            return try await UDPSession.start(
                session, host: host, port: port, clock: clock, sharesClientLoop: sharesClientLoop
            ).localAddress
        case .gameThread:
            return try GameThreadTransport.start(session, host: host, port: port, clock: clock).socket.localAddress
        }
    }
}
