import NetplayBase

/// An address bound on a ``MemoryNetwork``: the handle a test receives on.
///
/// A plain value, not a connection to the network: the network is a value too, so sending and
/// receiving go through it (`network.receive(on: socket)`), which keeps a whole simulation
/// copyable and free of shared mutable state.
package struct MemorySocket: Hashable, Sendable {
    /// The bound address; datagrams sent to it arrive here.
    package let address: PeerAddress
}

/// Why a ``MemoryNetwork`` refused a request.
package enum MemoryNetworkError: Error, Hashable, Sendable {
    /// Another socket is already bound to this address; close it first or pick another port.
    case addressInUse(PeerAddress)
}
