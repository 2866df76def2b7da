import NetplayBase

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SocketTransport {
    /// Most datagrams read in one go before the timers and the queued work get a turn.
    static let datagramsPerRead = 64

    /// Reads what arrived, runs what is due and sends what is queued; then, until `timeout`
    /// passes or the session has an event for the game, waits for datagrams (and runs the
    /// timers when they fall due). Returns at once, false, when another thread is servicing.
    /// - Parameters:
    ///   - returningOnEvents: Whether an event for the game ends the wait (false on the network
    ///     thread, and while the library itself drives a handshake or a close in game-thread
    ///     mode, with nobody taking events).
    ///   - reading: Whether to read the socket (false for `flush`, which only sends and runs
    ///     the timers, as `enet_host_flush` does: a datagram read there, after the frame's
    ///     reply has left, would need an acknowledgement of its own at once).
    ///   - done: Ends the wait as soon as it holds (checked after each pass): the library's own
    ///     waits, for a handshake or a close, end the moment it is over, not at `timeout`.
    @discardableResult
    func service(
        _ session: NetSession, waitingUpTo timeout: Duration, returningOnEvents: Bool = true, reading: Bool = true,
        until done: () -> Bool = { false }
    ) -> Bool {
        // The spin's record goes with the servicing: one thread at a time waits on the socket.
        let started = state.withLock { state -> SpinBeforeSleeping? in
            guard state.servicingThread == nil else { return nil }
            state.servicingThread = pthread_self()
            return state.spinning
        }
        guard var spinning = started else { return false }
        defer {
            state.withLock { state in
                state.servicingThread = nil
                state.spinning = spinning
            }
        }
        let deadline = clock.now + timeout
        // A call that may wait reads once the wait says a datagram is there: reading first,
        // each turn of a ping-pong began with a read that found nothing (a `recvmmsg` answering
        // EAGAIN, then the wait, then the read: a system call in three for nothing). The pass
        // before the wait still sends what the game queued, and reads only if the timers are
        // due (they run after a look at the socket: see `pass`). A call that may not wait
        // reads at once, and so does one that finds events waiting (the game gets what
        // arrived with them, as before).
        let readsFirst = timeout <= .zero || session.events.hasPending
        var mode: Reading = !reading ? .never : readsFirst ? .always : .ifTimersDue
        // Whether this call has looked at the socket: none returns without a look.
        var looked = !reading || readsFirst
        while true {
            let (arrived, returning, now, read) = pass(session, reading: mode, returningOnEvents: returningOnEvents)
            looked = looked || read
            if returning || now >= deadline || done() {
                if looked { return true }
                mode = .always
                continue
            }
            // A full read: more may be waiting, read on before sleeping.
            if arrived >= Self.datagramsPerRead {
                mode = .always
                continue
            }
            guard let wakeAt = wakeTimeOnceIdle(until: deadline) else {
                mode = reading ? .always : .never
                continue
            }
            let readable = socket.waitUntilReadable(timeout: wakeAt - clock.now, spinning: &spinning)
            // A wait that timed out looked, and found nothing. One that ended early without a
            // datagram was interrupted (a signal): read to find out.
            mode = !reading ? .never : readable || clock.now < wakeAt ? .always : .never
            looked = looked || mode == .never
        }
    }

    /// Whether the calling thread is inside ``service(_:waitingUpTo:returningOnEvents:reading:until:)``
    /// (a log handler or an observer called from a pass).
    var isServicedByCurrentThread: Bool {
        state.withLock { $0.servicingThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    /// Whether a pass reads the socket.
    enum Reading {
        case always
        /// `flush`, which only sends and runs the timers (see `service`).
        case never
        /// Only if the timers are due when the pass comes to read, after the queued work: they
        /// run after a look at the socket.
        case ifTimersDue
    }

    /// One pass: runs the queued work, reads what arrived, runs the timers if due, answers the
    /// read burst and runs the work queued meanwhile. Returns how many datagrams it read,
    /// whether it has events to return to the game with, when it read, and whether it read.
    func pass(
        _ session: NetSession, reading: Reading, returningOnEvents: Bool
    ) -> (arrived: Int, returning: Bool, now: NetInstant, read: Bool) {
        let answeredBefore = session.answeringPasses.load(ordering: .relaxed)
        runQueued()
        if isImpaired.load(ordering: .relaxed) { deliverDue(to: session) }
        // Asked after the queued work, which can take the game's sends milliseconds: the
        // timers may have fallen due meanwhile. A pass that does not read for it keeps the
        // instant it asked at, so its timers cannot fall due after the question.
        var askedAt: NetInstant?
        let reads: Bool
        switch reading {
        case .always: reads = true
        case .never: reads = false
        case .ifTimersDue:
            let now = clock.now
            reads = state.withLock { now >= $0.nextTick }
            if !reads { askedAt = now }
        }
        let arrived = reads ? readBurst(into: session) : 0
        let now = askedAt ?? clock.now
        // Going back to the game with events: their acknowledgements wait for its reply, to
        // leave in one packet with it at `flush` (or at the next `poll`). (ENet's service
        // sends them at once, before the game sees the message: a packet more each way.)
        // Otherwise, as at the end of a read burst on the network thread, they leave now. (A
        // long burst of reliable data was answered on the way all the same, every few
        // payloads: see `NetSession.payloadsBeforeAnswering`.)
        let returning = returningOnEvents && session.events.hasPending
        // One lock for the pass's questions (a lock each was about ten a round trip).
        let (timersDue, burstOwed, heldBefore) = state.withLock { state in
            defer { state.burstOwed = false }
            let due = now >= state.nextTick
            if due { state.schedule.beginFiring() }
            return (due, state.burstOwed || arrived > 0, state.burstOwed)
        }
        // Held once: a game that comes back for more events without answering (a poll,
        // no flush) gets no second hold, or a game that only reads would never
        // acknowledge anything while each poll finds something new.
        let holding = returning && !heldBefore
        if timersDue {
            // The timers run after the read, so they see the acknowledgements and packets
            // that waited in the socket (a stalled game would otherwise take its peers'
            // packets for lost and the peers for silent). While the game is about to
            // answer, their tick sends no acknowledgement on its own: the answer carries
            // them, as above; anything the timers do send carries them too.
            session.tick(now: now, holdingAcknowledgements: holding)
        }
        let holdsBurst = burstOwed && holding
        // The burst a poll held for the game's reply is answered already when the reply's
        // flush ran as this pass's queued work and nothing was read since: answering it
        // again found nothing owed, yet recomputed and re-armed the timer (some 1,300
        // instructions a game-thread round trip). The flush retried the backlog too.
        let answered = arrived == 0 && session.answeringPasses.load(ordering: .relaxed) != answeredBefore
        if burstOwed && !holding && !timersDue && !answered { session.serviceReadBurst(now: now) }
        let ended = timersDue ? clock.now : now
        let queued = state.withLock { state in
            if timersDue { state.nextTick = state.schedule.endFiring(at: ended) }
            if holdsBurst { state.burstOwed = true }
            return state.takeQueued()
        }
        run(queued)
        return (arrived, returning, now, reads)
    }

    /// Reads what waits on the socket (up to ``datagramsPerRead``) into `session`, and
    /// publishes what it brought; returns how many were read. Its answer is the caller's: a
    /// pass may hold it for the game's reply (see ``pass(_:reading:returningOnEvents:)``).
    func readBurst(into session: NetSession) -> Int {
        let arrived = socket.readAvailable(limit: Self.datagramsPerRead) { from, bytes in
            receive(bytes, from: from, into: session)
        }
        if arrived > 0 { session.publishReceived() }
        return arrived
    }

    /// When to wake, once nothing is queued: at `deadline` or the next tick, whichever is
    /// first (read now, not with the pass: the work just run may have brought the tick
    /// forward). Nil when work is queued that another pass must run.
    ///
    /// On the network thread, one batch of work queued during the pass (a reply sent by code on
    /// the network thread's executor, and the flush it asks for) runs here first: `ppoll(2)`
    /// then both says whether a datagram came meanwhile and sleeps, where another pass would
    /// first read an empty socket (a system call, each side of every executor round trip).
    /// One batch only: work that keeps queuing more (a loop of `Task.yield()`) still leaves the
    /// socket and the timers a pass between its batches. (The game's thread takes the pass at
    /// once: the work may have brought it events to return with.) A network thread tells the
    /// senders it sleeps under the same lock that finds the queue empty, so work queued after
    /// that look wakes it.
    func wakeTimeOnceIdle(until deadline: NetInstant) -> NetInstant? {
        var ranBatch = wake == nil
        while true {
            let (queued, wakeAt) = state.withLock { state -> ([QueuedWork], NetInstant?) in
                guard state.queued.isEmpty else { return (ranBatch ? [] : state.takeQueued(), nil) }
                state.sleeping = wake != nil
                return ([], min(deadline, state.nextTick))
            }
            if let wakeAt { return min(wakeAt, nextImpairedDelivery ?? wakeAt) }
            if queued.isEmpty { return nil }
            run(queued)
            ranBatch = true
        }
    }

    /// Runs the work queued since the last call, oldest first.
    func runQueued() {
        run(state.withLock { $0.takeQueued() })
    }

    /// Runs `queued`, then hands its list back, emptied, as the spare.
    func run(_ queued: consuming [QueuedWork]) {
        guard !queued.isEmpty else { return }
        let now = clock.now
        for index in queued.indices { queued[index].run(now) }
        var spent = queued
        spent.empty()
        state.withLock { $0.spareQueued.takeBack(&spent) }
    }
}
