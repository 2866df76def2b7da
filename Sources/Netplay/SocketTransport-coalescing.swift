import NetplayBase
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Coalesced reads (``NetOptions/readCoalescingDelay``): a network thread leaves a socket out
/// of its wait for the delay after a read, so its players' packets, coming apart, wake it once
/// rather than one by one; and the game's `poll()` reads what waits meanwhile.
struct CoalescedReads {
    /// Per member of the thread, on the thread's clock: its socket is left out of the wait
    /// until then.
    private var readsAgainAt: [NetInstant?] = []
    /// Per member, whether its socket is out of the wait now (handed to `ppoll`'s planning).
    private(set) var leftOut: [Bool] = []
    /// Whether any member's socket is out: most threads never leave one out, and skip the
    /// clock readings of ``plan(wakeAt:clock:)`` and ``due(clock:transports:_:)``.
    private var any = false

    /// Forgets every delay, for a roster of `count` members (a join or leave renumbers them),
    /// and puts their sockets back in the wait.
    mutating func reset(count: Int, transports: [SocketTransport]) {
        for transport in transports { transport.readsLeftOut.store(false, ordering: .relaxed) }
        readsAgainAt = Array(repeating: nil, count: count)
        leftOut.removeAll(keepingCapacity: true)
        any = false
    }

    /// After member `index`'s pass read `arrived` datagrams: a read that was not full leaves
    /// its socket out until the delay is over, where its session's reads coalesce.
    mutating func noteRead(
        _ arrived: Int, full: Bool, by index: Int, of member: (NetSession, SocketTransport), clock: MonotonicClock
    ) {
        let (session, transport) = member
        guard arrived > 0, !full, session.coalescesReads else { return }
        readsAgainAt[index] = clock.now + session.options.readCoalescingDelay
        transport.readsLeftOut.store(true, ordering: .relaxed)
        any = true
    }

    /// Which sockets stay out of the coming wait (``leftOut``), and the wake time, brought
    /// forward to the first of their delays to end.
    mutating func plan(wakeAt: inout NetInstant, clock: MonotonicClock) {
        leftOut.removeAll(keepingCapacity: true)
        guard any else { return }
        let now = clock.now
        for again in readsAgainAt {
            guard let again, now < again else {
                leftOut.append(false)
                continue
            }
            leftOut.append(true)
            wakeAt = min(wakeAt, again)
        }
    }

    /// After the wait: the members whose delay is over, each given a pass at once (not left
    /// for one more wait, which would find its socket readable straight away), its socket back
    /// in the wait.
    mutating func due(clock: MonotonicClock, transports: [SocketTransport], _ pass: (Int) -> Void) {
        guard any else { return }
        let now = clock.now
        any = false
        for index in readsAgainAt.indices {
            guard let again = readsAgainAt[index] else { continue }
            guard now >= again else {
                any = true
                continue
            }
            readsAgainAt[index] = nil
            transports[index].readsLeftOut.store(false, ordering: .relaxed)
            transports[index].passesAfterCoalescing.add(1, ordering: .relaxed)
            pass(index)
        }
    }
}

extension SocketTransport {
    /// Reads what waits on a socket the network thread left out of its wait, on the game's
    /// thread, just before its `poll()` takes events. Without it a packet that came within the
    /// delay before the poll waited for the next one, a frame later (a code review counted
    /// 96–98 of 100 such packets a frame late with 1 ms, and 3–8 reading every datagram as it
    /// came). Under the pass lock, tried, never waited for: a network thread in its pass (or
    /// planning its wait) is reading, or about to; the poll then takes what it finds. The
    /// read and its answer only, as at the end of a read burst on the network thread (a
    /// whole tick where that runs one: acknowledgements that made room for messages waiting
    /// behind full channels), never the work queued for that thread (a job of its executor
    /// must run there).
    func readBeforePoll(_ session: NetSession) {
        guard readsLeftOut.load(ordering: .relaxed) else { return }
        _ = passLock.withLockIfAvailable { _ in
            // Observers and log handlers the read's events call run on this thread, under the
            // pass lock: a synchronous close there must stop with a message, not wait for a
            // network thread that cannot get the lock.
            state.withLock { $0.servicingThread = pthread_self() }
            defer { state.withLock { $0.servicingThread = nil } }
            readsBeforePolls.add(1, ordering: .relaxed)
            guard readBurst(into: session) > 0 else { return }
            session.serviceReadBurst(now: clock.now)
        }
    }
}
