import NetplayBase

/// What clients send: acknowledgements, clock probes and inputs.
extension ReplicationHost {
    /// Applies a datagram from `client` (the bytes of its ``ReplicationClient/makePacket(now:)``):
    /// its acknowledgement (the baseline of its next snapshot), its clock probe and its inputs.
    ///
    /// Malformed bytes, acks of snapshots never sent and inputs far from the current tick
    /// are refused or ignored and counted in ``drops``; nothing a client sends can trap.
    /// - Parameters:
    ///   - bytes: The datagram, as it arrived.
    ///   - client: Who sent it, as the game numbered it in ``addClient(_:)``.
    ///   - now: When it arrived: time since the origin every call of this host uses.
    /// - Throws: ``ReplicationError/unknownClient(_:)`` or ``ReplicationError/malformed(_:)``;
    ///   the host is unchanged and the client's next packet carries the same inputs again.
    public mutating func receive(_ bytes: [UInt8], from client: ParticipantID, now: Duration)
        throws(ReplicationError)
    {
        try receive(bytes, from: client, now: NetInstant.zero + now)
    }

    /// ``receive(_:from:now:)`` at a session's instant.
    package mutating func receive(_ bytes: [UInt8], from client: ParticipantID, now: NetInstant)
        throws(ReplicationError)
    {
        guard var replica = clients[client] else {
            drops.count(.unknownClient(client))
            throw .unknownClient(client)
        }
        let packet: InputPacket<Input>
        do {
            packet = try InputPacket<Input>.decode(bytes, limits: configuration.limits)
        } catch {
            drops.count(.malformed(error))
            throw .malformed(error)
        }
        if let ack = packet.acknowledged, replica.history.sent[ack] != nil,
            replica.history.acknowledged.map({ $0 < ack }) ?? true
        {
            replica.history.acknowledged = ack
        }
        replica.history.latestTimestamp = (packet.clientMilliseconds, now)
        for ticked in packet.inputs { replica.inputs.insert(ticked, hostTick: tick) }
        replica.inputs.prune(before: tick)
        clients[client] = replica
    }

    /// The input `client` gave for `tick`, or, if it has not arrived, the newest earlier one
    /// (Quake's policy: a missing input repeats the last). `nil` before any input arrived.
    /// To simulate the next step, ask for `tick.advanced(by: 1)`, then call ``advanceTick()``.
    public func input(of client: ParticipantID, at tick: Tick) -> Input? {
        clients[client]?.inputs.input(at: tick)
    }

    /// Whether the input for exactly `tick` arrived from `client` (false means ``input(of:at:)``
    /// is repeating an older one, and the client's prediction will need correcting).
    func hasInput(of client: ParticipantID, at tick: Tick) -> Bool {
        clients[client]?.inputs.byTick[tick] != nil
    }
}
