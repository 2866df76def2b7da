import NetplayBase

/// The host's half of the handshake: answering hellos statelessly and admitting responses.
extension HostEndpoint {
    /// Answers a hello with a challenge. Keeps no state: the cookie carries everything the host
    /// needs to check the response, so a flood of spoofed hellos costs no memory.
    mutating func handleHello(_ datagram: [UInt8], from address: PeerAddress, now: NetInstant) -> DropReason? {
        guard let hello = HelloPacket(datagram) else { return .malformed }
        guard hello.protocolID == config.protocolID else { return refuseOtherGame(hello, from: address) }
        let timestamp = UInt64(bitPattern: now.nanoseconds)
        let cookie = cookies.cookie(
            address: address, timestamp: timestamp, clientPublicKey: hello.clientPublicKey,
            clientNonce: hello.clientNonce)
        let challenge = ChallengePacket(
            protocolID: config.protocolID, clientNonce: hello.clientNonce, timestamp: timestamp,
            cookie: cookie, hostPublicKey: handshakeKey.publicKey)
        return queueHandshakeReply(challenge.encoded(), to: address)
    }

    /// Checks a response and admits the client, denies it with a reason, or drops it.
    ///
    /// Order: cheap checks first, key agreement last. The cookie proves the address before any
    /// denial is sent (so denials cannot be reflected at a victim); the join-code tag is checked
    /// before capacity, so only clients holding the code learn whether the host is full. Every
    /// answer is remembered by cookie, so a replay is answered again without a key exchange.
    mutating func handleResponse(_ datagram: [UInt8], from address: PeerAddress, now: NetInstant) -> DropReason? {
        guard let response = ResponsePacket(datagram) else { return .malformed }
        let hello = response.hello
        guard hello.protocolID == config.protocolID else { return .wrongProtocol }

        if let existing = peerByAddress[address], let admission = peers[existing]?.admission,
            admission.clientPublicKey == hello.clientPublicKey, admission.clientNonce == hello.clientNonce
        {
            // The client did not get our `accepted` yet: answer again, idempotently, even if the
            // cookie has aged out meanwhile.
            return queueHandshakeReply(admission.acceptedPacket, to: address)
        }
        if let previous = answered.answer(for: response.cookie, now: now) {
            return replay(previous, tag: response.confirmationTag, to: address)
        }
        if seatsAreBusy(for: address.source, now: now) { return .seatsBusy }
        if let rejection = cookies.rejection(
            of: response.cookie, address: address, timestamp: response.timestamp,
            clientPublicKey: hello.clientPublicKey, clientNonce: hello.clientNonce,
            now: now, lifetime: config.cookieLifetime)
        {
            return rejection
        }
        guard hello.version == config.protocolVersion else {
            return deny(.versionMismatch(host: config.protocolVersion, client: hello.version), response, to: address)
        }
        guard hello.fingerprint == config.schema.fingerprint else {
            return deny(.schemaMismatch(hostDescription: config.schema.description), response, to: address)
        }
        let transcript = handshakeTranscript(
            protocolID: config.protocolID, clientPublicKey: hello.clientPublicKey,
            clientNonce: hello.clientNonce, hostPublicKey: handshakeKey.publicKey,
            timestamp: response.timestamp, cookie: response.cookie)
        keyExchanges += 1
        // A rejoining player's code is its seat's rejoin code; without the secret none matches.
        let joinCode = response.rejoinAs.map { seat in rejoinSecret.map { Rejoin.code(secret: $0, peer: seat) } ?? "" }
        guard
            let keys = SessionKeys(
                privateKey: handshakeKey.privateKey, peerPublicKey: hello.clientPublicKey,
                joinCode: joinCode ?? config.joinCode, transcript: transcript)
        else { return .malformed }
        guard constantTimeEqual(response.confirmationTag, keys.confirmationTag(fields: response.fields)) else {
            return deny(.wrongJoinCode, response, to: address)
        }
        if let previous = peerByAddress[address] {
            // A fresh, authentic handshake from a peer's address: the client restarted.
            remove(previous, reason: .closedByPeer(reason: "reconnected from the same address"))
        }
        // A genuine ticket for a seat that is taken or was never awaited (already back): refused.
        if let seat = response.rejoinAs, !awaitedRejoins.contains(seat) || peers[seat] != nil {
            return deny(.wrongJoinCode, response, to: address)
        }
        if let refusal = seatRefusal(for: address.source) { return deny(refusal, response, to: address) }
        let id = admit(address: address, hello: hello, keys: keys, seat: response.rejoinAs, now: now)
        remember(.admitted(id), for: response)
        return nil
    }

    /// Answers a replayed response the way its cookie was first answered.
    private mutating func replay(_ previous: AnsweredResponses.Answer, tag: [UInt8], to address: PeerAddress)
        -> DropReason?
    {
        // On the path a replay flood takes: compared as words, where the stored tag made an
        // array again for every copy.
        guard let tag = AnsweredResponses.MAC128(tag), previous.confirmationTag.isEqualInConstantTime(to: tag) else {
            return .usedCookie
        }
        switch previous.reply {
        case .denied(let bytes):
            return queueHandshakeReply(bytes, to: address)
        case .admitted(let id):
            // The peer it admitted is gone (evicted, or left), or confirmed (its client has our
            // `accepted`): the cookie is spent all the same.
            guard let peer = peers[id], peer.connection.address == address, let admission = peer.admission else {
                return .usedCookie
            }
            return queueHandshakeReply(admission.acceptedPacket, to: address)
        }
    }

    private mutating func remember(_ reply: AnsweredResponses.Reply, for response: ResponsePacket) {
        // A parsed response's cookie and tag are 16 bytes each (`ResponsePacket` reads them so).
        guard let cookie = AnsweredResponses.MAC128(response.cookie),
            let tag = AnsweredResponses.MAC128(response.confirmationTag)
        else { return }
        let issuedAt = NetInstant(nanoseconds: Int64(truncatingIfNeeded: response.timestamp))
        answered.record(
            AnsweredResponses.Answer(confirmationTag: tag, reply: reply, expiresAt: issuedAt + config.cookieLifetime),
            for: cookie, now: latestNow)
    }

    /// Admits a client, with a fresh id or, rejoining after a host migration, its old `seat`.
    private mutating func admit(
        address: PeerAddress, hello: HelloPacket, keys: SessionKeys, seat: PeerID?, now: NetInstant
    ) -> PeerID {
        // A rejoined seat stays awaited until the player confirms: a pending seat that expires
        // can be claimed again.
        let id = seat ?? freshPeerID()
        let accepted = AcceptedPacket(peerID: id).encoded(keys: keys)
        let connection = Connection(role: .host, peerID: id, address: address, keys: keys, now: now)
        peers[id] = HostPeer(
            connection: connection,
            admission: HostPeer.Admission(
                clientPublicKey: hello.clientPublicKey, clientNonce: hello.clientNonce, acceptedPacket: accepted),
            admittedAt: now)
        peerTimersDue = .zero
        peerByAddress[address] = id
        outgoing.append(Datagram(address: address, bytes: accepted))
        return id
    }

    /// Tells a client of another game which game runs here, instead of leaving it to time out.
    /// The hello is at least 1200 bytes and the denial at most 55, so the answer cannot
    /// amplify a spoofed hello; it carries the client's own protocol id, which the client
    /// checks, and its nonce. The hello still counts as a `wrongProtocol` drop.
    private mutating func refuseOtherGame(_ hello: HelloPacket, from address: PeerAddress) -> DropReason {
        guard !config.gameName.isEmpty else { return .wrongProtocol }
        let denied = DeniedPacket(
            protocolID: hello.protocolID, clientNonce: hello.clientNonce, reason: .wrongGame(hostGame: config.gameName))
        return queueHandshakeReply(denied.encoded(), to: address) ?? .wrongProtocol
    }

    private mutating func deny(_ reason: DenialReason, _ response: ResponsePacket, to address: PeerAddress)
        -> DropReason?
    {
        let denied = DeniedPacket(
            protocolID: config.protocolID, clientNonce: response.hello.clientNonce, reason: reason)
        let bytes = denied.encoded()
        remember(.denied(bytes), for: response)
        return queueHandshakeReply(bytes, to: address)
    }

    private mutating func queueHandshakeReply(_ bytes: [UInt8], to address: PeerAddress) -> DropReason? {
        guard queuedHandshakeReplies < config.maxQueuedHandshakeReplies else { return .rateLimited }
        queuedHandshakeReplies += 1
        outgoing.append(Datagram(address: address, bytes: bytes))
        return nil
    }

    /// A random id no current peer has (and never 0, which a zeroed header would carry).
    private mutating func freshPeerID() -> PeerID {
        // Random draws almost always succeed at once: peers are few, ids are 32 bits.
        let randomAttempts = 16
        var candidate = random.uint32()
        for _ in 0..<randomAttempts where !isFree(candidate) {
            candidate = random.uint32()
        }
        // Fallback for a broken generator: walk to a free id (at most peers.count + 1 steps).
        while !isFree(candidate) { candidate &+= 1 }
        return PeerID(rawValue: candidate)
    }

    /// Whether a new player may get `id`: not 0, not in use, not a seat awaiting its player.
    private func isFree(_ id: UInt32) -> Bool {
        id != 0 && peers[PeerID(rawValue: id)] == nil && !awaitedRejoins.contains(PeerID(rawValue: id))
    }
}
