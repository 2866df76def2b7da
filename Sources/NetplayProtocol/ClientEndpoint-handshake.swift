import NetplayBase

/// A client's handshake in progress: its ephemeral key, its nonce, and the packet it resends.
package struct ClientHandshake: Sendable {
    /// Which packet the client is resending until the host answers it.
    package enum Stage: Sendable {
        case hello
        case response(packet: [UInt8], keys: SessionKeys)
    }

    package let keyPair: EphemeralKeyPair
    package let hello: HelloPacket
    /// When the handshake started: the first `update(now:)`, not the endpoint's creation. A
    /// driver may take a while between creating the endpoint and first running it (binding a
    /// socket, a busy machine), and that wait must not eat into the timeout.
    package var startedAt: NetInstant
    var lastSentAt: NetInstant
    package internal(set) var stage: Stage = .hello
    /// Whether `update(now:)` has run yet (and so `startedAt` is real).
    var clockStarted = false

    package init(config: ProtocolConfig, random: inout ProtocolRandom, now: NetInstant) {
        keyPair = EphemeralKeyPair(random: &random)
        hello = HelloPacket(
            protocolID: config.protocolID, version: config.protocolVersion, clientPublicKey: keyPair.publicKey,
            clientNonce: random.bytes(FieldSize.clientNonce), fingerprint: config.schema.fingerprint)
        startedAt = now
        lastSentAt = now
    }

    /// The packet to (re)send in the current stage.
    var currentPacket: [UInt8] {
        switch stage {
        case .hello: return hello.encoded()
        case .response(let packet, _): return packet
        }
    }
}

/// The client's half of the handshake.
extension ClientEndpoint {
    /// Answers the host's challenge with a response carrying the key-confirmation tag.
    mutating func handleChallenge(_ datagram: [UInt8], handshake: ClientHandshake, now: NetInstant)
        -> DropReason?
    {
        guard let challenge = ChallengePacket(datagram) else { return .malformed }
        guard challenge.protocolID == config.protocolID else { return .wrongProtocol }
        // A challenge for another attempt, or a duplicate once we answered one.
        guard challenge.clientNonce == handshake.hello.clientNonce, case .hello = handshake.stage else {
            return .unexpected
        }
        let transcript = handshakeTranscript(
            protocolID: config.protocolID, clientPublicKey: handshake.keyPair.publicKey,
            clientNonce: handshake.hello.clientNonce, hostPublicKey: challenge.hostPublicKey,
            timestamp: challenge.timestamp, cookie: challenge.cookie)
        guard
            let keys = SessionKeys(
                privateKey: handshake.keyPair.privateKey, peerPublicKey: challenge.hostPublicKey,
                joinCode: config.joinCode, transcript: transcript)
        else { return .malformed }
        var response = ResponsePacket(
            hello: handshake.hello, timestamp: challenge.timestamp, cookie: challenge.cookie, confirmationTag: [],
            rejoinAs: config.rejoinAs)
        response.confirmationTag = keys.confirmationTag(fields: response.fields)
        var next = handshake
        next.stage = .response(packet: response.encoded(), keys: keys)
        next.lastSentAt = now
        state = .handshaking(next)
        outgoing.append(Datagram(address: hostAddress, bytes: next.currentPacket))
        return nil
    }

    mutating func handleAccepted(_ datagram: [UInt8], handshake: ClientHandshake, now: NetInstant)
        -> DropReason?
    {
        guard case .response(_, let keys) = handshake.stage else { return .unexpected }
        guard let peerID = AcceptedPacket.open(datagram, keys: keys) else { return .badMAC }
        becomeConnected(
            Connection(role: .client, peerID: peerID, address: hostAddress, keys: keys, now: now), confirmed: false,
            now: now)
        return nil
    }

    /// A connected packet before `accepted`: the `accepted` was lost or reordered. If it opens
    /// with our keys it is just as good a proof that the host admitted us.
    mutating func handleEarlyConnected(_ datagram: [UInt8], handshake: ClientHandshake, now: NetInstant)
        -> DropReason?
    {
        guard case .response(_, let keys) = handshake.stage else { return .unexpected }
        guard let header = ConnectedHeader(datagram) else { return .malformed }
        var connection = Connection(role: .client, peerID: header.peerID, address: hostAddress, keys: keys, now: now)
        let opened = connection.open(datagram, header: header, now: now)
        if case .dropped(.badMAC) = opened { return .badMAC }
        // A connected packet from the host proves it knows us, as `accepted` alone does not.
        becomeConnected(connection, confirmed: true, now: now)
        return deliver(opened)
    }

    mutating func handleDenied(_ datagram: [UInt8], handshake: ClientHandshake) -> DropReason? {
        guard let denied = DeniedPacket(datagram) else { return .malformed }
        guard denied.protocolID == config.protocolID else { return .wrongProtocol }
        guard denied.clientNonce == handshake.hello.clientNonce else { return .unexpected }
        switch denied.reason {
        case .hostFull:
            close(.hostFull)
        case .wrongJoinCode:
            // The host cannot tell a missing code from a wrong one; the client can.
            close(config.joinCode?.isEmpty ?? true ? .joinCodeRequired : .wrongJoinCode)
        case .wrongGame(let hostGame):
            close(.wrongGame(host: hostGame, local: config.gameName))
        case .tooManyFromAddress:
            close(.tooManyFromAddress)
        case .versionMismatch(let host, _):
            close(.versionMismatch(local: config.protocolVersion, remote: host))
        case .schemaMismatch(let hostDescription):
            close(.schemaMismatch("host: \(hostDescription); this game: \(config.schema.description)"))
        }
        return nil
    }

    private mutating func becomeConnected(_ connection: Connection, confirmed: Bool, now: NetInstant) {
        var connection = connection
        connection.noteHeardInHandshake(now: now)
        // An immediate keepalive tells the host we got in, so it stops counting us as pending.
        let keepalive = connection.seal([.keepalive], now: now).bytes
        state = .connected(connection)
        connectedAt = now
        awaitingConfirmation = true
        if confirmed { confirm(connection.peerID) }
        outgoing.append(Datagram(address: hostAddress, bytes: keepalive))
    }
}
