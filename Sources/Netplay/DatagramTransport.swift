import NetplayBase
import NetplayDrivers
import NetplayLinkConditioner
import NetplayProtocol

/// What carries a session's datagrams: a real socket (`SocketTransport`), or a virtual network
/// in tests.
///
/// Classes only: a session reads its transport several times a packet (send, then arm the
/// timer), and a struct in the existential copied every reference it held each time (two
/// retains and releases, and an outlined copy, per use: 25 of the 380 retains a loopback
/// round trip made under callgrind).
package protocol DatagramTransport: AnyObject, Sendable {
    /// Sends a batch of datagrams, from any thread.
    func send(_ datagrams: [Datagram])
    /// Runs `work` for `session` on the network thread as soon as it is free, with the time
    /// then, holding the session until the work runs or the transport closes.
    ///
    /// The session rides beside the work rather than in it (`work` captures nothing, so
    /// asking allocates nothing). A closure the session keeps could only capture it weakly
    /// (strongly, the two would keep each other), and a weak reference gives the session a
    /// side table, through which every retain and release of it then takes the runtime's
    /// slow path: some 1,100 instructions a round trip under callgrind. Queued work and the
    /// session's transport do keep each other while the work waits, which is why `close`
    /// must let go of it.
    func runSoon(for session: NetSession, _ work: @escaping SessionWork)
    /// Asks for the session's next timer tick by `deadline` (nil: no timer is due), on the
    /// network thread, where the session calls it after every tick and read burst.
    func scheduleTick(at deadline: NetInstant?)
    /// The transport's current time: real time for a socket, virtual time in a simulation.
    var now: NetInstant { get }
    /// Stops sending and receiving, and lets go of work still queued (and the sessions it
    /// holds); idempotent.
    func close() async
    /// ``close()``, blocking the calling thread instead of suspending (never call it on the
    /// transport's network thread, which it waits for).
    func closeSynchronously()
    /// Impairs one direction of the socket (nil: clear it), to try a game against a bad
    /// network on real sockets.
    func setImpairment(_ impairment: LinkImpairment?, for direction: LinkDirection)
    /// Runs async code on the network thread, if the transport has one of its own.
    var taskExecutor: (any TaskExecutor)? { get }
}

extension DatagramTransport {
    /// No network thread: the game's thread or a simulation drives the transport.
    package var taskExecutor: (any TaskExecutor)? { nil }
}

/// Work a transport runs for a session (``DatagramTransport/runSoon(for:_:)``), given the
/// session and the time.
package typealias SessionWork = @Sendable (NetSession, NetInstant) -> Void
