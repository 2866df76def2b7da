import NetplayBase

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a thread about to sleep until a datagram comes first looks again and again without
/// sleeping, and for how long: a sleeping thread costs a wake-up when the datagram comes, and
/// on a machine whose idle processors halt (a virtual machine's, here 20–50 µs) that wake-up
/// was most of a loopback round trip.
///
/// The spin follows the waits, as Linux's `haltpoll` governor sizes a halted processor's poll:
/// it starts at nothing; a wait woken within ``limit`` (by a datagram or by work) that the
/// spin did not catch makes the next spin longer (a quarter of the limit, then doubling, up
/// to the limit); a wait longer than the limit (a game's traffic at 60 Hz, a peer across a
/// real network, an idle link) ends spinning until a wait comes back within it again. So
/// the time it can spend for nothing is one spin for each wait that was short before and
/// long now. Each look yields the processor to any other thread ready to run on it (the one
/// that is to send the reply, on a small machine), so a spin delays nobody's work but its
/// own thread's sleep.
///
/// A new session has no waits to learn from, and starts with a handshake whose answers come
/// within a round trip: its first waits spin the whole limit (``arm()``), and the same rules
/// take over from there (a wait the spin catches keeps it; the first long one ends it).
package struct SpinBeforeSleeping: Sendable {
    /// The longest spin before a wait sleeps, and the longest wait that counts as short;
    /// zero never spins.
    package let limit: Duration
    /// How long the next wait spins.
    private(set) var spin = Duration.zero
    private let clock = MonotonicClock()

    package init(limit: Duration) {
        self.limit = max(limit, .zero)
    }

    /// The next wait spins the whole limit: for a session starting its handshake, whose
    /// answers come within a round trip while there are no waits yet to size the spin from
    /// (each one would otherwise be slept through, a wake-up per handshake packet).
    package mutating func arm() {
        spin = limit
    }

    /// Waits up to `timeout` with `look`, which polls the descriptors for up to the
    /// nanoseconds it is given (zero: a look that does not sleep) and returns whether one is
    /// ready; spinning first (looks and yields) as the last waits decide. Returns whether a
    /// descriptor is ready.
    package mutating func wait(upTo timeout: Duration, _ look: (Int64) -> Bool) -> Bool {
        let nanoseconds = max(timeout.nanosecondsClamped, 0)
        guard limit > .zero, nanoseconds > 0 else { return look(nanoseconds) }
        let start = clock.now
        var ready = false
        if spin > .zero {
            let spinEnd = start + min(spin, timeout)
            while !ready, clock.now < spinEnd {
                ready = look(0)
                if !ready { sched_yield() }
            }
        }
        if !ready {
            let left = nanoseconds - (clock.now - start).nanosecondsClamped
            if left > 0 { ready = look(left) }
        }
        noteWait(lasted: clock.now - start, ready: ready)
        return ready
    }

    /// Sizes the next spin from a wait that lasted `waited`, and ended `ready` or at its
    /// timeout: a short timeout (a timer due soon) says nothing about the traffic.
    mutating func noteWait(lasted waited: Duration, ready: Bool) {
        if waited > limit {
            spin = .zero
        } else if ready, waited > spin {
            spin = min(limit, max(spin * 2, limit / 4))
        }
    }
}
