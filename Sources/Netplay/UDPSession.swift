import NetplayBase
import NetplayDrivers

/// Runs a `NetSession` over a real `UDPDriver`: datagrams from the socket go to the
/// session on the driver's event loop; at the end of every read burst (and every 16
/// datagrams within a long one) the peers that sent something are answered at once (acks,
/// replies), and a ``DeadlineTimer`` ticks the session
/// at the core's next deadline (`NetCore.nextDeadline`), at most every
/// `NetOptions.tickInterval`.
enum UDPSession {
    /// Binds a socket for `session` and starts ticking it.
    /// - Parameters:
    ///   - clock: The clock the session's endpoint was created with: one clock for its whole
    ///     life, so its timers never see time run backwards.
    ///   - sharesClientLoop: Whether to run on the I/O thread all clients share
    ///     (`UDPDriver.sharedClientEventLoopGroup`) rather than a thread of its own.
    static func start(
        _ session: NetSession, host: String, port: Int, clock: MonotonicClock = MonotonicClock(),
        sharesClientLoop: Bool = false
    ) async throws(NetError) -> UDPDriver {
        do {
            return try await UDPDriver.bind(
                host: host, port: port,
                eventLoop: sharesClientLoop ? UDPDriver.sharedClientEventLoopGroup.next() : nil, clock: clock,
                onReadComplete: { now in session.serviceReadBurst(now: now) },
                onBound: { driver in
                    let timer = DeadlineTimer(
                        on: driver.eventLoop, clock: clock, minimumSpacing: session.options.tickInterval,
                        maximumSleep: NetSession.maximumTimerSleep
                    ) { now in session.tick(now: now) }
                    session.attach(UDPTransport(driver: driver, timer: timer))
                    // Tick once now, on the loop, before the caller's task resumes: it starts a
                    // client's handshake clock (its hello already left, `sendingFirst`) and arms
                    // the timer; each tick arms it for the next.
                    session.tick(now: clock.now)
                },
                sendingFirst: { session.takeFirstDatagrams().map { ($0.address, $0.bytes) } },
                onDatagram: { from, bytes in session.receive(bytes, from: from, now: clock.now) }
            )
        } catch  where SocketBindError.isPortInUse(error) && port != 0 {
            throw .portInUse(UInt16(clamping: port))
        } catch {
            throw .socketUnavailable(String(describing: error))
        }
    }
}
