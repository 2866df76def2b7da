import NetplayChannels

/// The session's side of replication: what it keeps for a ``NetWorld`` (joins, leaves and
/// replication traffic, in `replicationInbox`) and what the world sends through it.
extension NetSession {
    /// Starts keeping replication traffic for a ``NetWorld``; returns false if one already is.
    func attachReplication() -> Bool {
        replicationInbox.withLockedValue { inbox in
            guard !inbox.attached else { return false }
            inbox.attached = true
            // A welcome that came before the world was made still tells it who it is.
            if let welcome = inbox.earlyWelcome { inbox.deliveries.append(welcome) }
            if let roster = inbox.earlyRoster { inbox.deliveries.append(roster) }
            inbox.earlyWelcome = nil
            inbox.earlyRoster = nil
            return true
        }
    }

    /// Replication traffic and joins and leaves since the last call, oldest first.
    func takeReplication() -> [ReplicationDelivery] {
        replicationInbox.withLockedValue { inbox in
            defer { inbox.deliveries = [] }
            return inbox.deliveries
        }
    }

    /// Queues replication bytes (already in the replication layer's format) for the next tick.
    func sendReplication(_ bytes: [UInt8], on channel: ChannelID, to target: NetRecipients) throws(NetSendError) {
        try enqueue(OutboundMessage(bytes: MessageBytes(bytes), channel: channel, recipients: target))
    }
}
