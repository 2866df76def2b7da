import NetplayBase
import NetplayProtocol

/// The network's side of a session: what the driver calls (each datagram, the end of a read
/// burst, the timer's ticks, the flush that sends ask for), and the events and datagrams each
/// of those hands on. All of it takes the core's lock; none of it runs on the game's side but
/// a sender's own flush (``flushSendsOnSenderThread(now:)``).
extension NetSession {
    /// Handles one datagram; called by the driver, on its thread. What it brings the game
    /// (messages, players coming and going) waits in the core until the driver ends the read
    /// burst with ``serviceReadBurst(now:)`` or ``publishReceived()``: the event queue's
    /// locks, and a waiting reader's wake-up, once a burst instead of once a datagram (some
    /// 1,400 instructions a datagram on a host reading its clients' inputs).
    ///
    /// A long burst is answered on the way, though, once reliable data is owed an
    /// acknowledgement at once and ``payloadsBeforeAnswering`` payloads have come since the
    /// last answer (see there).
    package func receive(_ bytes: [UInt8], from address: PeerAddress, now: NetInstant) {
        var datagrams: [Datagram] = []
        let (deferred, deadline) = core.withLock { core in
            core.receive(bytes, from: address, now: now)
            let answers = core.acknowledgementDueNow && core.payloadsSinceFlush >= Self.payloadsBeforeAnswering
            let deadline = answers ? core.flushReceived(now: now) : nil
            datagrams = core.drainOutgoing()
            return (core.hasDeferredHandshakes, deadline)
        }
        transmit(&datagrams, bringingTickTo: deadline)
        if deferred { scheduleHandshakeService() }
    }

    /// Payloads a read burst takes before it answers reliable data owed an acknowledgement at
    /// once, without waiting for the burst's end. A burst answered only at its end held a
    /// fast sender's reliable window (then 1,024 messages, some 17 full packets of small ones)
    /// shut for the time the receiver took over all of it (up to 64 datagrams, or a receive
    /// offload's run of 50): the two sides took turns instead of working at once. Every 8: an
    /// acknowledgement at every second packet, as the prompt rule alone would send, is a
    /// datagram and a system call each. A loopback stream of 2 million 16-byte reliable
    /// messages took 0.83 s answered every 8 payloads against 0.92 at the burst's end on the
    /// network thread, 0.59 against 0.84 on the game's (medians of five, side by side; every
    /// 4 and every 16 were both slower than 8). Unreliable streams did not change.
    static let payloadsBeforeAnswering = 8

    /// Whether the network thread leaves the socket for ``NetOptions/readCoalescingDelay``
    /// after a read (see there): a session of more players than
    /// ``NetCore/maxPeersForSendersFlush`` (a host's: a client counts none) whose game takes
    /// events once a frame: a host whose players' packets come in a steady stream, each its
    /// own wake-up otherwise (64 players' inputs spread over the frame took 10–11 % of a core
    /// so, against 6–7 % coalesced), and whose game reads nothing sooner for it.
    var coalescesReads: Bool {
        options.readCoalescingDelay > .zero
            && playersConnected.load(ordering: .relaxed) > NetCore.maxPeersForSendersFlush
            && !events.answersAsTheyCome
    }

    /// Publishes what the datagrams received since the last publication brought, at the end of
    /// a read: the servicing thread must know whether the game has events before it answers
    /// the burst (the game's thread returns to the game when it has).
    package func publishReceived() {
        let (events, replication) = core.withLock { core in (takeEvents(from: &core), core.drainReplication()) }
        publish(events, replication: replication)
    }

    /// Queues one handshake service behind the datagrams being read now: a pass runs queued
    /// work only after its read, so established peers' packets go first, while
    /// handshake replies still leave without waiting for the next tick.
    private func scheduleHandshakeService() {
        let first = handshakeServiceScheduled.withLockedValue { scheduled in
            defer { scheduled = true }
            return !scheduled
        }
        guard first else { return }
        attachedTransport?.runSoon(for: self) { session, now in session.serviceHandshakes(now: now) }
    }

    private func serviceHandshakes(now: NetInstant) {
        handshakeServiceScheduled.withLockedValue { $0 = false }
        var datagrams: [Datagram] = []
        let (events, replication, deadline) = core.withLock { core in
            core.serviceHandshakes(now: now)
            datagrams = core.drainOutgoing()
            return (takeEvents(from: &core), core.drainReplication(), core.nextDeadline(now: now))
        }
        if let transport = attachedTransport {
            transmit(&datagrams, on: transport)
            transport.scheduleTick(at: deadline)
        }
        publish(events, replication: replication)
    }

    /// The end of a read burst, called by the driver: answers the peers that sent something
    /// (acks, and data an ack let through) at once, without a tick over every peer, and brings
    /// the timer forward if one of those peers now needs time sooner.
    ///
    /// With messages waiting behind a full channel that the acks just read made room in, it
    /// runs a whole tick instead, which moves them: the next timer tick is at least
    /// ``NetOptions/tickInterval`` after the last, and waiting for it left a sender idle
    /// between its messages (a bulk transfer stalled 5–8 ms per 1 MiB message, both threads
    /// asleep). "Room" is a quarter of the channel at least, so that a tick moves many.
    package func serviceReadBurst(now: NetInstant) {
        if core.withLock({ $0.backlogMayMove() }) {
            tick(now: now)
            return
        }
        var datagrams: [Datagram] = []
        let (events, replication, deadline, closed) = core.withLock { core in
            let deadline = core.flushReceived(now: now)
            datagrams = core.drainOutgoing()
            return (takeEvents(from: &core), core.drainReplication(), deadline, core.phase == .closed)
        }
        transmit(&datagrams, bringingTickTo: deadline)
        publish(events, replication: replication)
        if closed { finished.set(()) }
    }

    /// The longest the driver's timer sleeps with no deadline due: a peerless host still ticks
    /// now and then (drop logs), and a sleep is never long enough to be taken for a pause
    /// (``ProtocolConfig``'s pause threshold is 3 s). Peers' keepalives wake it far sooner.
    static let maximumTimerSleep = Duration.seconds(1)

    /// Flushes queued sends, runs the timers and sends the resulting datagrams in one batch,
    /// then asks the transport for the next tick at the core's next deadline.
    package func tick(now: NetInstant, holdingAcknowledgements: Bool = false) {
        runPass(now: now, wholeTick: true, holdingAcknowledgements: holdingAcknowledgements)
    }

    /// The flush `send` asks for, once per batch of sends: the queued messages into their
    /// channels and out, the timers left to their deadlines (see `NetCore.flushSends`). With a
    /// kick or a close queued, a whole tick instead, which carries those out in their order.
    package func flushSends(now: NetInstant) {
        runPass(now: now, wholeTick: false)
    }

    /// The flush of ``requestSendFlush()``, on the sender's thread, under the transport's pass
    /// lock: false, and nothing done, while packets are in flight (the network thread then
    /// batches the stream's sends), for a session of many peers (see
    /// `NetCore.maxPeersForSendersFlush`), or when a kick or a close waits (they end
    /// connections, on the network thread).
    func flushSendsOnSenderThread(now: NetInstant) -> Bool {
        guard core.withLock({ $0.letsSenderFlush() }) else { return false }
        guard runPass(now: now, wholeTick: false, messagesOnly: true) else { return false }
        counters.withLock { $0.sendersFlushes += 1 }
        return true
    }

    /// A tick, or a flush of sends (which becomes a tick when the buffer holds more than new
    /// messages): takes the buffer's commands, runs the core, sends the datagrams in one
    /// batch, and asks the transport for the next tick. With `messagesOnly`, it takes nothing
    /// and returns false rather than become a tick.
    @discardableResult
    private func runPass(
        now: NetInstant, wholeTick asked: Bool, holdingAcknowledgements: Bool = false, messagesOnly: Bool = false
    ) -> Bool {
        var messages: [OutboundMessage] = []
        var kicks: [OutboundKick] = []
        let taken = buffer.withLock { buffer -> (closing: Bool, wholeTick: Bool)? in
            let wholeTick = asked || !buffer.kicks.isEmpty || buffer.closing
            if messagesOnly && wholeTick { return nil }
            buffer.charge = 0
            buffer.flushScheduled = false
            swap(&messages, &buffer.spareMessages)
            swap(&messages, &buffer.messages)
            swap(&kicks, &buffer.kicks)
            return (buffer.closing, wholeTick)
        }
        guard let (closing, wholeTick) = taken else { return false }
        let tookCommands = !messages.isEmpty || !kicks.isEmpty
        var datagrams: [Datagram] = []
        let (waiting, waitingChanged, events, replication, closed, deadline) = core.withLock { core in
            let waitingBefore = (core.backlog.count, core.backlog.charge)
            var deadline: NetInstant?
            if wholeTick {
                if closing { core.closeRequested = true }
                core.tick(
                    now: now, messages: &messages, kicks: kicks, holdingAcknowledgements: holdingAcknowledgements)
            } else {
                deadline = core.flushSends(now: now, messages: &messages)
            }
            datagrams = core.drainOutgoing()
            let events = takeEvents(from: &core)
            let replication = core.drainReplication()
            if wholeTick { deadline = core.nextDeadline(now: now) }
            let waiting = (count: core.backlog.count, charge: core.backlog.charge)
            let changed = waiting != waitingBefore
            let next = core.backlogRetriesAtTicks ? now : deadline
            return (waiting, changed, events, replication, core.phase == .closed, next)
        }
        if tookCommands || messages.capacity > 0 || waitingChanged {
            giveBack(&messages, waitingCharge: waiting.charge)
        }
        let sentAny = !datagrams.isEmpty
        if let transport = attachedTransport {
            transmit(&datagrams, on: transport)
            // Messages left waiting for a full channel retry at the next tick (`deadline` is
            // then now). A tick's nil deadline says no timer is due; a flush's, that none of
            // its peers' came forward, and the armed timer stands.
            if deadline != nil || wholeTick { transport.scheduleTick(at: deadline) }
        }
        counters.withLock { counters in
            counters.ticks += 1
            if tookCommands { counters.flushes += 1 }
            if sentAny { counters.transportBatches += 1 }
        }
        // A flush of sends, and a tick that holds no acknowledgement, answer every peer owed
        // one (`NetCore.flushReceived`, `flushChannels(now:acknowledging:)`).
        if !holdingAcknowledgements { answeringPasses.add(1, ordering: .relaxed) }
        publish(events, replication: replication)
        if wholeTick { logDropsIfDue(now: now) }
        if closed { finished.set(()) }
        return true
    }

    /// Gives the send list a pass took back, emptied, for the next trade with its room (an
    /// idle tick's list too: dropped, the next sends would grow a new one): a lock per pass,
    /// none per message. Notes the charge of the messages still waiting behind full
    /// channels, which counts against ``NetOptions/maxBufferedSendBytes`` with those sent
    /// meanwhile.
    private func giveBack(_ messages: inout [OutboundMessage], waitingCharge: Int) {
        messages.empty()
        buffer.withLock { buffer in
            swap(&messages, &buffer.spareMessages)
            buffer.waitingCharge = waitingCharge
        }
    }

    /// Sends `datagrams` and brings the timer forward to `deadline`, if there is either. The
    /// transport is fetched only then: under its lock, as an existential, it was a lock, a
    /// retain and a release for each datagram read.
    private func transmit(_ datagrams: inout [Datagram], bringingTickTo deadline: NetInstant?) {
        guard !datagrams.isEmpty || deadline != nil, let transport = attachedTransport else { return }
        transmit(&datagrams, on: transport)
        if let deadline { transport.scheduleTick(at: deadline) }
    }

    /// Hands `datagrams` to the transport, then gives their buffers and list back to the core
    /// for the next ones (a transport that kept one only means that one is not reused). One
    /// more short lock per batch sent, against an allocation per datagram and per batch.
    private func transmit(_ datagrams: inout [Datagram], on transport: any DatagramTransport) {
        guard !datagrams.isEmpty else { return }
        transport.send(datagrams)
        core.withLock { $0.recycleSent(&datagrams) }
    }

    /// Takes the core's new events, under its lock. Nearly every batch is messages only: it
    /// goes straight into the event queue, the two trading lists (no list allocated per
    /// datagram, and nobody scans it: a copy of each event, existential inside, cost some
    /// hundred instructions per message). Any other batch is published after the lock.
    private func takeEvents(from core: inout NetCore) -> (events: [NetEvent], changesMembership: Bool) {
        if core.moveMessages(into: events) { return ([], false) }
        return core.drainEventBatch()
    }

    private func publish(
        _ batch: (events: [NetEvent], changesMembership: Bool), replication: [ReplicationDelivery]
    ) {
        let (events, changesMembership) = batch
        // Most calls (a tick or read burst that delivered nothing) have nothing to publish.
        guard !events.isEmpty || changesMembership || !replication.isEmpty else { return }
        if changesMembership || !replication.isEmpty {
            replicationInbox.withLockedValue {
                $0.take(changesMembership ? events : [], replication, capacity: options.maxQueuedEvents)
            }
        }
        // Read only when a player comes or goes: this runs for every datagram and tick.
        var connected: Set<NetPeer>?
        var tookOver = false
        for index in events.indices where changesMembership {
            let event = events[index]
            switch event {
            case .connected(let peer) where !peer.isHost:
                if connected == nil { connected = peerCount.withLockedValue { $0.peers } }
                connected?.insert(peer)
            case .disconnected(let peer, _) where !peer.isHost:
                if connected == nil { connected = peerCount.withLockedValue { $0.peers } }
                connected?.remove(peer)
            case .hostChanged:
                // A new session's players: those who rejoin this player, if it took over.
                connected = []
                tookOver = isHosting
            default: break
            }
            switch event {
            case .connected(.host): handshake.set(nil)
            case .disconnected(.host, let reason):
                handshake.set(reason)
                // The session is over (closed, kicked, timed out…): refuse sends from now on.
                buffer.withLock { $0.closing = true }
            default: break
            }
        }
        // Only lifecycle events are logged, and they always come with `changesMembership`.
        if changesMembership { log(events) }
        self.events.push(events, mayEndSession: changesMembership)
        if let connected {
            let (before, observer) = peerCount.withLockedValue { state in
                defer { state.peers = connected }
                return (state.peers.count, state.observer)
            }
            playersConnected.store(connected.count, ordering: .relaxed)
            if connected.count != before { observer?(connected.count) }
        }
        if tookOver { takeoverObserver.withLockedValue { $0 }?() }
    }
}
