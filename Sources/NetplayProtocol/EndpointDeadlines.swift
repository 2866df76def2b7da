import NetplayBase

// When each endpoint's `update(now:)` next has something to do (quinn's `poll_timeout`), so a
// driver can sleep until then instead of calling it on a fixed period. Each figure mirrors a
// check in `update(now:)`: a timer added there needs its instant here, or it fires late (the
// virtual-time test `DeadlineDrivenTimerTests` runs every timer kind through deadlines alone).
// Too early is harmless (one `update` with nothing to do); too late is a missed timer.

extension Connection {
    /// The three settings of ``ProtocolConfig`` a connection's deadline reads.
    ///
    /// Passed instead of the whole config: an endpoint holding both the config and the
    /// connection, calling this connection's `mutating` method with its own config, copied
    /// all 312 bytes of it first (a `memcpy` a pass on a client).
    struct Timers {
        var resumeGrace: Duration
        var keepaliveInterval: Duration
        var interruptAfter: Duration

        init(_ config: ProtocolConfig) {
            (resumeGrace, keepaliveInterval, interruptAfter) =
                (config.resumeGrace, config.keepaliveInterval, config.interruptAfter)
        }
    }

    /// The earliest of this connection's timers: keepalive, interruption and timeout.
    /// `interrupts`: whether silence interrupts it (not while a client awaits confirmation).
    /// `mutating` for the reason ``timerAction(now:config:)`` is.
    mutating func nextDeadline(_ timers: Timers, interrupts: Bool = true) -> NetInstant {
        var deadline = min(lastReceived + timers.resumeGrace, lastSent + timers.keepaliveInterval)
        if interrupts, hasHeardFromPeer, !isInterrupted {
            deadline = min(deadline, lastReceived + timers.interruptAfter)
        }
        return deadline
    }
}

extension HostEndpoint {
    /// When ``update(now:)`` next has work for any peer, or for deferred handshakes; nil if
    /// nothing until a datagram arrives.
    ///
    /// `mutating` only so that `core.host?.nextDeadline()` reads the endpoint in place: a
    /// non-mutating call through the optional copies the whole endpoint first.
    package mutating func nextDeadline() -> NetInstant? {
        var deadline: NetInstant? = hasDeferredHandshakes ? latestNow : nil
        // Found again only once it has passed or something brought a timer sooner.
        if let due = peerTimersDue, due <= latestNow { peerTimersDue = earliestPeerTimer() }
        deadline.keepEarliest(peerTimersDue)
        return deadline
    }

    /// The earliest of every peer's timers (see ``peerTimersDue``); nil with no peers.
    mutating func earliestPeerTimer() -> NetInstant? {
        var deadline: NetInstant?
        // Index by index, not `for … in`: unspecialized (debug builds), an iterator
        // allocated at every tick.
        var index = 0
        while index < peers.count {
            let peerDeadline = Self.nextDeadline(of: &peers.values[index], config: config)
            deadline = min(deadline ?? peerDeadline, peerDeadline)
            index += 1
        }
        return deadline
    }

    /// `peer` lent in place (`&peers.values[index]`, the subscript's modify accessor): read
    /// as a value, `peers.values[index]` copies the whole record, a retain and a release for
    /// every reference it holds.
    private static func nextDeadline(of peer: inout HostPeer, config: ProtocolConfig) -> NetInstant {
        guard peer.connection.hasHeardFromPeer else { return peer.admittedAt + config.pendingTimeout }
        var deadline = peer.connection.nextDeadline(Connection.Timers(config))
        if let probe = peer.pathProbe {
            deadline = min(deadline, probe.startedAt + config.timeout)
            // A resend the amplification budget forbids waits for bytes from the new address
            // (a receive sends it at once), not for a timer: no deadline, or it would spin.
            if let last = probe.lastSentAt,
                probe.bytesSent + Self.pathChallengeBytes <= PathProbe.amplificationFactor * probe.bytesReceived
            {
                deadline = min(deadline, last + config.handshakeResendInterval)
            }
        }
        return deadline
    }
}

extension ClientEndpoint {
    /// When ``update(now:)`` next has work: a handshake resend or give-up, the confirmation
    /// keepalives, or the connection's timers; nil once closed.
    ///
    /// `mutating` only so that `core.client?.nextDeadline()` reads the endpoint in place.
    package mutating func nextDeadline() -> NetInstant? {
        // Before the switch: `state` builds a copy of the connection to match.
        if phase == .connected { return connectionDeadline() }
        switch state {
        case .handshaking(let handshake):
            // The first update starts the handshake's clock.
            guard handshake.clockStarted else { return latestNow }
            return min(handshake.startedAt + config.timeout, handshake.lastSentAt + config.handshakeResendInterval)
        case .connected, .closed:
            return nil
        }
    }

    /// ``nextDeadline()`` while connected, the connection read in place.
    private mutating func connectionDeadline() -> NetInstant? {
        // `connectionSlot!`: present while connected (the `state` setter keeps them together).
        let timers = Connection.Timers(config)
        var deadline = connectionSlot!.nextDeadline(timers, interrupts: !awaitingConfirmation)
        if let since = connectedAt {
            let confirmationEnds = since + config.pendingTimeout
            if awaitingConfirmation { deadline = min(deadline, confirmationEnds) }
            let confirmationKeepalive = connectionSlot!.lastSent + config.handshakeResendInterval
            if confirmationKeepalive < confirmationEnds { deadline = min(deadline, confirmationKeepalive) }
        }
        return deadline
    }
}
