import NetplayBase

/// A datagram for the driver to send.
package struct Datagram: Sendable, Hashable {
    /// Where to send it.
    package var address: PeerAddress
    /// The bytes to send.
    package var bytes: [UInt8]

    /// Creates a datagram.
    package init(address: PeerAddress, bytes: [UInt8]) {
        self.address = address
        self.bytes = bytes
    }
}

extension Datagram {
    /// Moves the buffers of `sent` into `buffers` and gives its emptied list to `list` if
    /// that has no room of its own (new datagrams queued meanwhile keep theirs): what an
    /// endpoint does with the datagrams the driver sent. `sent` is left empty.
    static func recycle(_ sent: inout [Datagram], buffers: inout PacketBufferStash, list: inout [Datagram]) {
        for index in sent.indices {
            var bytes = sent[index].bytes.lend()
            buffers.recycle(&bytes)
        }
        sent.empty()
        if list.isEmpty, list.capacity < sent.capacity { swap(&list, &sent) }
        sent = []
    }
}

/// Something that happened at a ``HostEndpoint``.
package enum HostEvent: Sendable, Hashable {
    /// A client completed the handshake and is now a peer.
    case connected(PeerID, PeerAddress)
    /// A peer's payload arrived in the connected packet with this sequence number.
    case payload(PeerID, [UInt8], sequence: UInt64)
    /// A peer is gone, for this reason.
    case disconnected(PeerID, DisconnectReason)
    /// A peer has been silent for ``ProtocolConfig/interruptAfter``; its seat is kept.
    case interrupted(PeerID)
    /// An interrupted peer was heard from again.
    case resumed(PeerID)
    /// A peer proved it now sends from this address (path validation), and the host sends there.
    case addressChanged(PeerID, PeerAddress)
}

/// Something that happened at a ``ClientEndpoint``.
package enum ClientEvent: Sendable, Hashable {
    /// The host accepted this client, which it knows by this id.
    case connected(PeerID, PeerAddress)
    /// The host's payload arrived in the connected packet with this sequence number.
    case payload([UInt8], sequence: UInt64)
    /// The connection ended (or the handshake failed), for this reason.
    case disconnected(DisconnectReason)
    /// The host has been silent for ``ProtocolConfig/interruptAfter``; the session waits.
    case interrupted
    /// The host was heard from again after an interruption.
    case resumed
}

/// Why a payload could not be sent.
package enum SendError: Error, Sendable, Hashable {
    /// No such peer (it disconnected, or the id was never issued).
    case unknownPeer(PeerID)
    /// The client is not connected (still handshaking, or closed).
    case notConnected
    /// The payload does not fit one datagram; split it (a higher layer fragments).
    case payloadTooLarge(bytes: Int, limit: Int)
}
