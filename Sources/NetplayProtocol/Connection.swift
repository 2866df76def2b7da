import NetplayBase

/// The state both ends keep for an established session: keys, sequence numbers, the replay
/// window and the liveness timers. Host and client each hold one per session and share all
/// of this code; only which key seals and which opens differs.
package struct Connection: Sendable {
    /// Which side of the session this end is.
    package enum Role: Sendable { case host, client }

    /// What a timer check asks of the owner.
    package enum TimerAction: Sendable, Hashable { case none, sendKeepalive, timedOut }

    /// What an authentic packet carried.
    package struct Received: Sendable, Hashable {
        package var sequence: UInt64
        package var payloads: ReceivedPayloads
        package var disconnect: DisconnectFrame?
        /// Path challenges to answer, and answers to ours (see ``PathToken``).
        package var pathChallenges: [PathToken] = []
        package var pathResponses: [PathToken] = []
        /// Whether this packet ended an interruption (see ``isInterrupted``).
        package var endedInterruption = false
    }

    /// The outcome of opening a packet.
    package enum Opened: Sendable, Hashable {
        /// The common packet: one payload and nothing else, in the packet with this sequence
        /// number. A case of its own, so that a datagram's hot path makes and destroys no
        /// ``Received`` (its payload list, two empty token lists and no disconnect frame).
        case payload([UInt8], sequence: UInt64, endedInterruption: Bool)
        /// Any other authentic packet.
        case received(Received)
        case dropped(DropReason)

        /// Whether the packet was authentic: anything but dropped.
        package var isAuthentic: Bool {
            if case .dropped = self { return false }
            return true
        }
    }

    /// Copies of the disconnect packet sent when closing: a lone copy is lost as often as any
    /// packet, three make it unlikely (netcode.io sends ten; our timeouts are the fallback).
    static let disconnectRedundancy = 3

    let peerID: PeerID
    /// Where packets to the peer go; a host moves it only after path validation.
    package internal(set) var address: PeerAddress
    private let sendKey: PacketKey
    private let sendPurpose: NoncePurpose
    private let receiveKey: PacketKey
    private let receivePurpose: NoncePurpose
    /// The sequence number of the next packet sent; every packet gets a fresh one.
    package private(set) var nextSequence: UInt64 = 0
    private var replay = ReplayWindow()
    package private(set) var lastReceived: NetInstant
    package private(set) var lastSent: NetInstant
    /// Whether an authentic packet has arrived; a host counts peers without one as pending.
    package private(set) var hasHeardFromPeer = false
    /// Whether the peer has been silent for ``ProtocolConfig/interruptAfter`` (and not yet
    /// ``ProtocolConfig/resumeGrace``): the link is down or the peer paused, and the session
    /// waits for it to come back.
    package private(set) var isInterrupted = false

    package init(role: Role, peerID: PeerID, address: PeerAddress, keys: SessionKeys, now: NetInstant) {
        self.peerID = peerID
        self.address = address
        switch role {
        case .host:
            (sendKey, sendPurpose) = (keys.hostToClient, .hostToClient)
            (receiveKey, receivePurpose) = (keys.clientToHost, .clientToHost)
        case .client:
            (sendKey, sendPurpose) = (keys.clientToHost, .clientToHost)
            (receiveKey, receivePurpose) = (keys.hostToClient, .hostToClient)
        }
        lastReceived = now
        lastSent = now
    }

    /// Seals `frames` into the next packet.
    mutating func seal(_ frames: [Frame], now: NetInstant) -> (sequence: UInt64, bytes: [UInt8]) {
        let sequence = nextSequence
        nextSequence += 1
        lastSent = max(lastSent, now)
        let bytes = ConnectedPacket.seal(
            Frame.encode(frames), peerID: peerID, sequence: sequence, key: sendKey, purpose: sendPurpose)
        return (sequence, bytes)
    }

    /// Seals one payload into the next packet (the per-message path: no frame list), written
    /// in `buffer` (emptied first).
    mutating func seal(payload: [UInt8], now: NetInstant, in buffer: consuming [UInt8] = []) -> (
        sequence: UInt64, bytes: [UInt8]
    ) {
        let sequence = nextSequence
        nextSequence += 1
        lastSent = max(lastSent, now)
        let bytes = ConnectedPacket.seal(
            payload: payload, peerID: peerID, sequence: sequence, key: sendKey, purpose: sendPurpose, in: consume buffer
        )
        return (sequence, bytes)
    }

    /// Authenticates and decodes a packet whose header names this session.
    ///
    /// The replay check runs before decryption (cheap rejection of duplicates) and the window
    /// is updated only after authentication, so forged packets cannot move it.
    /// The plaintext replaces whatever `buffer` held (storage an earlier packet left).
    package mutating func open(
        _ datagram: [UInt8], header: ConnectedHeader, now: NetInstant, into buffer: consuming [UInt8] = []
    ) -> Opened {
        let sequence = SequenceNumber.expand(header.truncatedSequence, newest: replay.newest)
        guard replay.accepts(sequence) else { return .dropped(.replayed) }
        guard
            var plaintext = ConnectedPacket.open(
                datagram, header: header, sequence: sequence, key: receiveKey, purpose: receivePurpose,
                into: consume buffer)
        else { return .dropped(.badMAC) }
        replay.mark(sequence)
        lastReceived = max(lastReceived, now)
        hasHeardFromPeer = true
        let endedInterruption = isInterrupted
        isInterrupted = false
        if let payload = Frame.takeSolePayload(&plaintext) {
            return .payload(payload, sequence: sequence, endedInterruption: endedInterruption)
        }
        var received = Received(sequence: sequence, payloads: ReceivedPayloads(), disconnect: nil)
        received.endedInterruption = endedInterruption
        // Authentic but undecodable means a buggy or newer peer; it still proved liveness, but
        // does not end an interruption: that is reported with the next packet that decodes
        // (ended here, no `resumed` would ever have been reported).
        guard let frames = Frame.decode(plaintext) else {
            isInterrupted = endedInterruption
            return .dropped(.malformed)
        }
        for index in frames.indices {
            let frame = frames[index]
            switch frame {
            case .payload(let bytes): received.payloads.append(bytes)
            case .keepalive: break
            case .disconnect(let disconnect): received.disconnect = disconnect
            case .pathChallenge(let token): received.pathChallenges.append(token)
            case .pathResponse(let token): received.pathResponses.append(token)
            }
        }
        return .received(received)
    }

    /// What the timers ask for at `now`: a timeout wins over a keepalive. Only silence for
    /// the whole ``ProtocolConfig/resumeGrace`` ends a session; shorter outages interrupt it.
    /// `mutating` only so that it reads a connection where it lies (in a host's table, or a
    /// client's optional): a non-mutating method takes the connection by value, and a copy of
    /// it (keys, buffers: a retain and a release each) was made to pass it.
    mutating func timerAction(now: NetInstant, config: ProtocolConfig) -> TimerAction {
        if now.isAtLeast(config.resumeGrace, after: lastReceived) { return .timedOut }
        if now.isAtLeast(config.keepaliveInterval, after: lastSent) { return .sendKeepalive }
        return .none
    }

    /// Whether the peer has just been silent long enough to be interrupted (see
    /// ``ProtocolConfig/interruptAfter``): true once per outage, until ``markInterrupted()``.
    /// A peer never heard from (a pending one) is not interrupted: it was never there.
    /// `mutating` for the reason ``timerAction(now:config:)`` is.
    mutating func fallsSilent(now: NetInstant, config: ProtocolConfig) -> Bool {
        hasHeardFromPeer && !isInterrupted && now.isAtLeast(config.interruptAfter, after: lastReceived)
    }

    /// Records an authentic handshake packet (the host's `accepted`) as hearing from the peer:
    /// a client is connected from then on, and silence after it is an interruption.
    mutating func noteHeardInHandshake(now: NetInstant) {
        hasHeardFromPeer = true
        lastReceived = max(lastReceived, now)
    }

    /// Records the interruption the owner reported; the next authentic packet ends it.
    mutating func markInterrupted() { isInterrupted = true }

    /// This side was paused (its clock jumped; see ``ProtocolConfig/pauseThreshold``): the
    /// silence was ours, not the peer's, so its timers restart from `now`.
    mutating func forgiveSilence(now: NetInstant) {
        lastReceived = max(lastReceived, now)
    }

    /// The packets that tell the other side this connection is closing (several copies, each
    /// with its own sequence number so the replay window does not discard the spares).
    mutating func closingPackets(_ frame: DisconnectFrame, now: NetInstant) -> [[UInt8]] {
        (0..<Self.disconnectRedundancy).map { _ in seal([.disconnect(frame)], now: now).bytes }
    }
}
