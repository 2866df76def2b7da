/// What waits for a ``NetWorld`` between two of its updates.
struct ReplicationInbox {
    var attached = false
    var deliveries: [ReplicationDelivery] = []
    /// Replication datagrams dropped because the world was not updated for a long while.
    var dropped = 0
    /// The host's welcome and latest roster, if they arrived before a world was attached: each
    /// is sent once per change, reliably, so a client that makes its world a moment after
    /// connecting must not lose them.
    var earlyWelcome: ReplicationDelivery?
    var earlyRoster: ReplicationDelivery?

    /// Keeps `replication`, and the joins and leaves among `events`, once a world is attached.
    /// Past `capacity` entries, new bytes are dropped (a world that is updated every frame
    /// never gets close); joins and leaves are always kept, so ownership stays right.
    mutating func take(_ events: [NetEvent], _ replication: [ReplicationDelivery], capacity: Int) {
        guard attached else {
            for index in replication.indices {
                let delivery = replication[index]
                guard case .bytes(let bytes, let channel, _) = delivery, channel == ReplicationChannels.control
                else { continue }
                switch ControlMessage(bytes) {
                case .welcome: earlyWelcome = delivery
                case .roster: earlyRoster = delivery
                case .succession, .unknown: break
                }
            }
            return
        }
        for index in events.indices {
            let event = events[index]
            switch event {
            case .connected(let peer) where !peer.isHost: deliveries.append(.joined(peer))
            case .disconnected(let peer, _) where !peer.isHost: deliveries.append(.left(peer))
            case .hostChanged: deliveries.append(.hostChanged)
            default: break
            }
        }
        for index in replication.indices {
            let delivery = replication[index]
            guard deliveries.count < capacity else {
                dropped += 1
                continue
            }
            deliveries.append(delivery)
        }
    }
}
