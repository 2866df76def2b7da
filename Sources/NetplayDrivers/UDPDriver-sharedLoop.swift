import NIOPosix

extension UDPDriver {
    /// The I/O thread that every client socket of the process shares (`NetClient.connect`
    /// binds on it), instead of starting and stopping a thread per connection.
    ///
    /// Made on first use and never shut down, like SwiftNIO's own singleton groups: it lives
    /// as long as the process, so closing a client closes its socket and never waits for a
    /// thread to stop. One thread: a game runs one client, and a bot or test process with
    /// many spends less on one loop than on a thread each (a connection used to cost a thread
    /// start, about a tenth of its handshake on loopback). A host keeps its own thread.
    package static let sharedClientEventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
}
