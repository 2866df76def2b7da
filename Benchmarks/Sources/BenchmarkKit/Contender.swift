/// One networking library under test. Each figure is a method; a contender that has no
/// meaningful answer for a figure returns nil and the table shows "n/a" (raw UDP has no
/// reliable 1 MiB message, for instance).
///
/// Figures 1–4 run both ends in this process, on loopback. Figure 5 puts the host in a child
/// process (see ``HostProcess``) so its RSS and CPU are the host's alone.
public protocol Contender: Sendable {
    /// The name in tables ("ENet 1.3.17", "raw UDP").
    var name: String { get }

    /// Round-trip times in microseconds of `count` ping-pongs of ``Workload/messageBytes``,
    /// reliable where the library has reliability, after `warmUp` untimed ones.
    func roundTrips(count: Int, warmUp: Int) throws -> [Double]?

    /// Messages per second delivered one way: `messages` sent as fast as the library accepts
    /// them, divided by the time until the receiver has the last one it will get.
    func throughput(_ delivery: Delivery, messages: Int) throws -> Double?

    /// Bytes per second for `totalBytes` sent as reliable messages of `messageBytes`.
    func bulkTransfer(totalBytes: Int, messageBytes: Int) throws -> Double?

    /// Sequential new connections per second, each counted when the host has received the
    /// client's first reliable message.
    func connectionsPerSecond(count: Int) throws -> Double?

    /// A host for figure 5, created in the child process; nil if not measured.
    func makeLoadHost(maxClients: Int) throws -> (any LoadHost)?

    /// `count` clients of a host on `port`, created in the parent process.
    func makeLoadClients(count: Int, port: UInt16) throws -> any LoadClients
}

/// The host side of figure 5, driven one game frame at a time by ``HostProcess``.
public protocol LoadHost: AnyObject {
    /// The UDP port clients connect to.
    var port: UInt16 { get }
    /// Clients currently connected.
    var connectedClients: Int { get }
    /// Inputs received so far (a check that the load really arrived).
    var inputsReceived: Int { get }
    /// One frame: drain the network; if `sendSnapshot`, send one snapshot to every client.
    func frame(sendSnapshot: Bool) throws
    /// Closes the host.
    func close()
}

/// The client side of figure 5: many clients, driven together one frame at a time.
public protocol LoadClients: AnyObject {
    /// Starts every connection and returns once all are established (or throws at `deadline`,
    /// a ``Stopwatch`` time).
    func connectAll(deadline: UInt64) throws
    /// One frame: service the network; if `sendInput`, every client sends one input.
    func frame(sendInput: Bool) throws
    /// Snapshots received so far, all clients together.
    var snapshotsReceived: Int { get }
    /// Disconnects and closes every client.
    func close()
}
