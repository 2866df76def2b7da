import NetplayBase

/// Taking events, and in ``NetServicing/gameThread`` mode doing the network's work on the
/// caller's thread.
extension NetSession {
    /// This frame's events: in game-thread mode after reading the socket, running the timers
    /// and sending what is queued. Waits up to `timeout` for the first event if none is
    /// waiting (zero: never waits).
    func pollEvents(waitingUpTo timeout: Duration = .zero) -> [NetEvent] {
        let attached = attached
        if let serviced = attached?.gameThread {
            serviced.service(self, waitingUpTo: timeout)
        } else {
            // A socket whose reads coalesce is read here first: what came since the network
            // thread's last read is this frame's too (see `NetOptions.readCoalescingDelay`).
            attached?.networkThread?.readBeforePoll(self)
            if timeout > .zero, !events.hasPending { _ = events.wait(upTo: timeout) }
        }
        let taken = events.poll()
        events.notePoll(answeringEvents: timeout > .zero && !taken.isEmpty)
        return taken
    }

    /// Sends what is queued now, on this thread, in game-thread mode, with the
    /// acknowledgements `poll` held for it; with a network thread sends already leave as soon
    /// as it is free. Reads nothing: what arrived since `poll` waits for the next one.
    func flush() {
        gameThreadTransport?.service(self, waitingUpTo: .zero, returningOnEvents: false, reading: false)
    }

    /// In game-thread mode nothing else runs the timers: services the session on this thread
    /// until `done` holds (each wait bounded by one tick, so the protocol's own timeouts end
    /// it). With a network thread, returns at once.
    ///
    /// Between slices it yields, so other tasks sharing the thread get their turn; but not
    /// after the last: a yield puts the task back on its executor's queue (on Swift's pool,
    /// the global one, which wakes a second pool thread), and with a connect that wake-up
    /// came between the handshake's last packet and the caller's first send.
    ///
    /// While another thread is servicing (the game's `poll` during an async `close`), its
    /// passes carry the work on: the task sleeps a tick between looks, and takes over once
    /// that thread stops. (It yielded instead, and so came straight back: a thread of the
    /// pool spun for as long as the other thread's poll lasted.) A cancelled task's own sleep
    /// returns at once, so it sleeps in a detached task, which its cancellation does not reach.
    func serviceUntil(_ done: () -> Bool) async {
        guard let serviced = gameThreadTransport else { return }
        while !done() {
            let servicedHere = serviced.service(
                self, waitingUpTo: options.tickInterval, returningOnEvents: false, until: done)
            if done() { return }
            if servicedHere {
                await Task.yield()
            } else {
                let tick = options.tickInterval
                do { try await Task.sleep(for: tick) } catch {
                    await Task.detached { try? await Task.sleep(for: tick) }.value
                }
            }
        }
    }
}
