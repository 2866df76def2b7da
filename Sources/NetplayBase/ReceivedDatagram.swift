/// A datagram as it arrived: who sent it and its bytes.
///
/// The source is whatever the network says it is — on the internet it can be forged, so it
/// proves nothing until a handshake has checked it.
package struct ReceivedDatagram: Hashable, Sendable {
    /// The sender's address.
    package var from: PeerAddress
    /// The payload.
    package var bytes: [UInt8]

    /// Creates a received datagram.
    package init(from: PeerAddress, bytes: [UInt8]) {
        self.from = from
        self.bytes = bytes
    }
}
