import NetplayBase
import NetplayDrivers

/// Runs a `NetSession` over a real `UDPDriver`: datagrams from the socket go to the
/// session on the driver's event loop, which ticks it at the end of every read burst (so acks
/// and replies leave at once, not up to a tick interval later) and on a repeating task for
/// the timers.
enum UDPSession {
    /// Binds a socket for `session` and starts ticking it.
    /// - Parameter clock: The clock the session's endpoint was created with: one clock for its
    ///   whole life, so its timers never see time run backwards.
    static func start(_ session: NetSession, host: String, port: Int, clock: MonotonicClock = MonotonicClock())
        async throws(NetError) -> UDPDriver
    {
        let driver: UDPDriver
        do {
            driver = try await UDPDriver.bind(
                host: host, port: port, clock: clock,
                onReadComplete: { now in session.tick(now: now) },
                onDatagram: { from, bytes in session.receive(bytes, from: from, now: clock.now) }
            )
        } catch  where SocketBindError.isPortInUse(error) && port != 0 {
            throw .portInUse(UInt16(clamping: port))
        } catch {
            throw .socketUnavailable(String(describing: error))
        }
        session.attach(driver)
        // Stops by itself when the driver closes.
        driver.scheduleRepeating(every: session.options.tickInterval) { now in session.tick(now: now) }
        // Tick once now: a client's hello leaves at once instead of after the first interval.
        driver.runSoon { now in session.tick(now: now) }
        return driver
    }
}
