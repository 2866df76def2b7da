import NetplayBase

/// A host's check that a peer really is at a new address before the session moves there:
/// QUIC's path validation (RFC 9000 §8.2, §9), for clients whose address changes mid-game.
///
/// An authentic, fresh packet from a new address proves only that someone holding the keys
/// sent it *once*: an attacker who captured it may be replaying it from elsewhere (the replay
/// window stops a second copy, not a first copy that wins the race). So the host sends a
/// challenge of random bytes to the new address and moves the session only when the answer
/// comes back from there, sealed with the session's keys. Until then everything else still
/// goes to the old address, and the new one gets at most ``amplificationFactor`` times the
/// bytes it sent, so a spoofed source cannot be flooded through us.
struct PathProbe: Sendable {
    /// The address being validated.
    let address: PeerAddress
    /// The challenge's bytes, which the answer must echo.
    let token: PathToken
    /// When the first packet from this address arrived; the probe is abandoned
    /// ``ProtocolConfig/timeout`` later.
    let startedAt: NetInstant
    /// Authentic bytes received from the address, and bytes sent to it, for the budget.
    var bytesReceived = 0
    var bytesSent = 0
    /// When the challenge was last sent (it is resent every handshake resend interval).
    var lastSentAt: NetInstant?

    /// Bytes the host may send to an unvalidated address per byte received from it (QUIC's
    /// anti-amplification limit, RFC 9000 §8).
    static let amplificationFactor = 3
}

extension HostEndpoint {
    /// Records an authentic, fresh packet of `id` from the unvalidated `address` and challenges
    /// that address. A packet from yet another address starts a new probe (the newest path wins,
    /// as the client's newest packets come from its current address).
    mutating func notePath(of id: PeerID, at address: PeerAddress, receivedBytes: Int, now: NetInstant) {
        guard var peer = peers[id] else { return }
        if peer.pathProbe?.address != address {
            peer.pathProbe = PathProbe(
                address: address, token: PathToken(bytes: random.bytes(PathToken.byteCount)), startedAt: now)
        }
        peer.pathProbe?.bytesReceived += receivedBytes
        peers[id] = peer
        peerTimersDue = .zero
        probePath(of: id, now: now)
    }

    /// Sends (or resends) the challenge of `id`'s probe if one is due and the budget allows;
    /// abandons a probe that has gone unanswered for the handshake timeout.
    mutating func probePath(of id: PeerID, now: NetInstant) {
        guard var peer = peers[id], var probe = peer.pathProbe else { return }
        if now - probe.startedAt >= config.timeout {
            peers[id]?.pathProbe = nil
            return
        }
        if let last = probe.lastSentAt, now - last < config.handshakeResendInterval { return }
        guard probe.bytesSent + Self.pathChallengeBytes <= PathProbe.amplificationFactor * probe.bytesReceived
        else { return }
        let packet = peer.connection.seal([.pathChallenge(probe.token)], now: now)
        probe.bytesSent += packet.bytes.count
        probe.lastSentAt = now
        peer.pathProbe = probe
        peers[id] = peer
        peerTimersDue = .zero
        outgoing.append(Datagram(address: probe.address, bytes: packet.bytes))
    }

    /// Moves `id`'s session to `address` if `answers` echo the challenge sent there; true if it did.
    mutating func completePath(of id: PeerID, at address: PeerAddress, answers: [PathToken]) -> Bool {
        guard var peer = peers[id], let probe = peer.pathProbe, probe.address == address,
            answers.contains(probe.token)
        else { return false }
        let old = peer.connection.address
        if peerByAddress[old] == id { peerByAddress[old] = nil }
        peer.connection.address = address
        peer.pathProbe = nil
        peers[id] = peer
        peerByAddress[address] = id
        events.append(.addressChanged(id, address))
        return true
    }

    /// A sealed packet holding one path challenge: header, frame (type + token), tag.
    static let pathChallengeBytes = ConnectedPacket.overheadBytes + 1 + PathToken.byteCount
}
