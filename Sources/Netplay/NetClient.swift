import NIOConcurrencyHelpers
import NetplayBase
import NetplayProtocol
import NetplayWire

/// A connection to a ``NetHost``: one player joining another's game.
///
/// ```swift
/// let client = try await NetClient.connect(to: "192.168.1.20", game: "skirmish", messages: [Move.self])
/// // every frame:
/// for event in client.poll() { … }
/// try client.send(Move(x: 1, y: 2), on: .unreliableSequenced)
/// // when done:
/// await client.close()
/// ```
///
/// A game loop that is not async code starts with
/// ``startConnecting(to:port:game:joinCode:messages:options:)`` instead: its polls report
/// whether the host admitted the player.
///
/// Everything a client receives comes from ``NetPeer/host``; the host relays other players'
/// messages. All methods may be called from any thread.
public final class NetClient: Sendable {
    package let session: NetSession

    /// The host this client first connected to (after a host migration, ``NetEvent/hostChanged(to:)``
    /// says who hosts now).
    public let hostAddress: PeerAddress
    /// This client's own socket address (the port the others reach it at if it takes over).
    package let localAddress: PeerAddress
    /// This player's host once it took over (host migration), made on first use.
    private let takenOver = NIOLockedValueBox<NetHost?>(nil)

    package init(session: NetSession, hostAddress: PeerAddress, localAddress: PeerAddress) {
        self.session = session
        self.hostAddress = hostAddress
        self.localAddress = localAddress
    }

    /// The host this player became when the host left and it took over (``NetOptions/hostMigration``,
    /// ``NetEvent/hostChanged(to:)`` naming this player), or nil while it is a client. Use it
    /// from then on for what a host does: ``NetHost/peers``, sending to everyone, kicking,
    /// closing; new players can join it, and it advertises the game on the LAN as the old host
    /// did. The client's own `send` goes to its own player, as `.peer(.host)` would.
    public var host: NetHost? {
        guard session.isHosting else { return nil }
        return takenOver.withLockedValue { host in
            if let host { return host }
            let made = NetHost(session: session, localAddress: localAddress)
            host = made
            return made
        }
    }

    /// Connects to a host at a numeric address and waits for the handshake to finish.
    ///
    /// - Parameters:
    ///   - host: The host's IPv4 or IPv6 address, e.g. `"192.168.1.20"` or `"::1"`.
    ///   - port: The host's port.
    ///   - game: The game's name, as the host started it.
    ///   - joinCode: The code the host shows, if it set one.
    ///   - messages: The same message types as the host, in the same order.
    ///   - options: Timeouts, limits and channels; `version` must match the host's.
    /// - Throws: ``NetError/refused(_:)`` with the reason (wrong join code, host full, version
    ///   or schema mismatch with the differing fields, or `DisconnectReason.hostUnreachable`
    ///   after ``NetOptions/timeout``); ``NetError/invalidAddress(_:)``;
    ///   ``NetError/socketUnavailable(_:)``.
    public static func connect(
        to host: String,
        port: Int = NetHost.defaultPort,
        game: String,
        joinCode: String? = nil,
        messages: [any NetMessage.Type],
        options: NetOptions = NetOptions()
    ) async throws(NetError) -> NetClient {
        let address = try PeerAddress(numericHost: host, port: port)
        return try await connect(to: address, game: game, joinCode: joinCode, messages: messages, options: options)
    }

    /// Connects to a host at `address` (from LAN discovery, or `PeerAddress.init(numericHost:port:)`)
    /// and waits for the handshake to finish. See `connect(to:port:game:joinCode:messages:options:)`.
    public static func connect(
        to address: PeerAddress,
        game: String,
        joinCode: String? = nil,
        messages: [any NetMessage.Type],
        options: NetOptions = NetOptions()
    ) async throws(NetError) -> NetClient {
        let client = try startConnecting(
            to: address, game: game, joinCode: joinCode, messages: messages, options: options)
        try await client.awaitHandshake()
        return client
    }

    /// Starts connecting to a host at a numeric address from code that is not async: a game
    /// loop of its own, as ENet's `enet_host_connect` is called. It returns once the socket is
    /// bound and the first handshake packet sent (opening a connection waits for nothing on
    /// the network); the loop's ``poll()`` then reports the outcome, as its first event for
    /// the host:
    ///
    /// - `.connected(.host)` once the host has admitted this player;
    /// - `.disconnected(.host, reason)` if it did not: the reason `connect` would have thrown
    ///   in ``NetError/refused(_:)`` (a wrong join code, a full host, a version or schema
    ///   mismatch, or `DisconnectReason.hostUnreachable` after ``NetOptions/timeout``). The
    ///   session is then over: ``close()`` it, or let it go, to free its socket.
    ///
    /// ```swift
    /// let client = try NetClient.startConnecting(
    ///     to: "192.168.1.20", game: "skirmish", messages: [Hello.self, Move.self])
    /// try client.send(Hello(name: "Ada"))      // waits for the handshake, ahead of later sends
    /// while running {
    ///     for event in client.poll() { … }     // .connected(.host), or .disconnected(.host, why)
    ///     drawFrame()
    /// }
    /// client.closeSynchronously()
    /// ```
    ///
    /// Messages sent before `.connected(.host)` wait, in order, and leave once the host has
    /// admitted this player (they count against ``NetOptions/maxBufferedSendBytes``); if it
    /// never does, or the game closes first, they are dropped. With
    /// ``NetServicing/gameThread`` servicing the handshake moves on only while the game calls
    /// ``poll()`` (a frame loop's pace is plenty: the handshake resends every 250 ms), and
    /// the waiting messages leave with the poll that reports `.connected(.host)` or with the
    /// ``flush()`` or poll after it; with a network thread, everything after the hello
    /// happens on that thread.
    ///
    /// Such a loop closes with ``closeSynchronously()``.
    ///
    /// The parameters are `connect(to:port:game:joinCode:messages:options:)`'s (a found
    /// game's address is `FoundGame.address`, its name `FoundGame.advert.gameName`; a join
    /// string's, `JoinString(parsing:)`'s `address` and `joinCode`).
    /// - Throws: ``NetError/invalidAddress(_:)`` or ``NetError/socketUnavailable(_:)``: only
    ///   what fails before anything is sent.
    public static func startConnecting(
        to host: String,
        port: Int = NetHost.defaultPort,
        game: String,
        joinCode: String? = nil,
        messages: [any NetMessage.Type],
        options: NetOptions = NetOptions()
    ) throws(NetError) -> NetClient {
        let address = try PeerAddress(numericHost: host, port: port)
        return try startConnecting(to: address, game: game, joinCode: joinCode, messages: messages, options: options)
    }

    /// Starts connecting to a host at `address` from code that is not async. See
    /// `startConnecting(to:port:game:joinCode:messages:options:)`.
    public static func startConnecting(
        to address: PeerAddress,
        game: String,
        joinCode: String? = nil,
        messages: [any NetMessage.Type],
        options: NetOptions = NetOptions()
    ) throws(NetError) -> NetClient {
        // Port 0 names no host: a datagram to it fails on the socket instead of reaching anyone.
        guard address.port != 0 else { throw .invalidAddress("\(address) (port 0 is not a host's port)") }
        let registry = MessageRegistry(messages)
        let clock = MonotonicClock()
        let config = options.protocolConfig(game: game, joinCode: joinCode, registry: registry)
        let endpoint = ClientEndpoint(config: config, host: address, now: clock.now)
        let session = NetSession(
            core: NetCore(client: endpoint, registry: registry, options: options), options: options)
        let localAddress = try SessionSocket.open(
            session, host: address.wildcardHost, port: 0, clock: clock, sharesClientThread: true)
        let client = NetClient(session: session, hostAddress: address, localAddress: localAddress)
        if options.hostMigration {
            // Taking over, the game is advertised again, from here, as its old host did.
            session.onTakeover { [weak client] in
                guard let host = client?.host else { return }
                host.advertiseInBackground(
                    host.session.options.advertiseAfterTakeover, game: game, hostName: nil, joinCode: joinCode)
            }
        }
        // On the game thread, the hello leaves now rather than at the first poll (a client of
        // the network thread sent its own as its socket started).
        session.flush()
        return client
    }

    /// Waits for the handshake; on failure closes the socket and throws the reason.
    func awaitHandshake() async throws(NetError) {
        await session.serviceUntil { session.handshake.value != nil }
        guard let reason = await session.handshake.wait() else { return }
        session.options.logger.notice(
            "could not connect", metadata: ["host": "\(hostAddress)", "reason": "\(reason)"])
        await session.close()
        throw .refused(reason)
    }

    /// This frame's events, oldest first. Call once per frame from the game loop. With
    /// ``NetServicing/gameThread`` servicing, this call also reads the socket, runs the
    /// timers and sends what is queued.
    public func poll() -> [NetEvent] { session.pollEvents() }

    /// This frame's events, waiting up to `timeout` for the first one if none is waiting: for
    /// a loop that has nothing to do until a message comes (a server, a tool, a turn-based
    /// game), and wakes the moment it does, without polling in a loop. Returns an empty array
    /// when the time runs out.
    public func poll(waitingUpTo timeout: Duration) -> [NetEvent] { session.pollEvents(waitingUpTo: timeout) }

    /// Sends what this frame queued, now. With ``NetServicing/gameThread`` servicing, call it
    /// after the frame's sends (or after a reply that should not wait for the next `poll`),
    /// as an ENet game calls `enet_host_flush`; with the default network thread, sends leave
    /// as soon as that thread is free and this does nothing. It reads nothing: what arrived
    /// since the last `poll` waits for the next one, and is acknowledged with the next
    /// frame's sends rather than in a packet of its own now.
    public func flush() { session.flush() }

    /// The network thread as a task executor, for async code that reads ``events`` and
    /// answers them. Started with this preference, such code runs on the network thread:
    ///
    /// ```swift
    /// Task(executorPreference: client.executor) {
    ///     for await event in client.events { … }
    /// }
    /// ```
    ///
    /// Events then reach it, and its sends reach the socket, without waking another thread:
    /// each such hand-off costs a thread wake-up, about a quarter of a loopback round trip.
    /// Keep that code as short as a network handler's: while it runs, the socket waits. So
    /// never block there: ``poll(waitingUpTo:)`` would stop the socket for its whole timeout,
    /// and a loop of `Task.yield()` would keep the thread spinning between its passes. Without a preference (or with
    /// `nil`, which this is under ``NetServicing/gameThread`` servicing, where there is no
    /// network thread) async code runs on Swift's shared thread pool, as it also does once
    /// the session is closed. Every client in a process shares one network thread: their
    /// executors are the same thread.
    public var executor: (any TaskExecutor)? { session.taskExecutor }

    /// The events as an asynchronous sequence, for async code; it ends after
    /// `.disconnected(.host, _)`. Use either this or `poll()`, not both: from the first use of
    /// this property, events go here only.
    public var events: NetEvents { session.events.stream() }

    /// Queues `message` for the host on `channel`; the network thread sends it as soon as it
    /// is free (with ``NetServicing/gameThread`` servicing: at the next ``poll()`` or
    /// ``flush()``). Cheap and callable from any thread. One exception: when the game answers
    /// events as they come (async code reads ``events``, or the loop's last
    /// ``poll(waitingUpTo:)`` returned events) and the link is idle (nothing in flight, the
    /// network thread asleep), the first message of a batch is sealed and sent from this
    /// thread at once, so a reply does not wait for that thread to wake.
    ///
    /// - Throws: ``NetSendError``; nothing was queued.
    public func send(_ message: some NetMessage, on channel: NetChannel = .reliableOrdered) throws(NetSendError) {
        try session.send(message, on: channel, to: .peer(.host))
    }

    /// The id the host knows this player by (as other players see it in relayed messages).
    public var localPeer: NetPeer? { session.withCore { $0.localPeer } }

    /// Whether the connection is open (or this player took over as host).
    public var isConnected: Bool { session.withCore { $0.isHostCore || $0.peers.contains(.host) } }

    /// The connection's figures (round-trip time, loss, drops), or nil once disconnected.
    public var statistics: PeerStatistics? { session.withCore { $0.statistics(for: .host) } }

    /// Events dropped because the game read neither `poll()` nor `events` for too long.
    public var droppedEvents: Int { session.events.droppedCount }

    /// Closes gracefully: stops accepting sends, gives queued reliable messages up to
    /// ``NetOptions/closeFlushTimeout`` to be acknowledged, tells the host (which sees
    /// `DisconnectReason.closedByPeer(reason:)`), then closes the socket. Idempotent.
    public func close() async {
        if let host = takenOver.withLockedValue({ $0 }) {
            await host.close()
        } else {
            await session.close()
        }
    }

    /// ``close()`` from a game loop that is not async code: the same graceful close, blocking
    /// the calling thread until it is done (at most about ``NetOptions/closeFlushTimeout``
    /// while the host acknowledges nothing), as an ENet game services its host until the
    /// `DISCONNECT` event. With ``NetServicing/gameThread`` servicing this call does the
    /// network's work meanwhile. Call it from the game's own thread, never from async code:
    /// it would block a thread of Swift's pool (and on the network executor, ``executor``,
    /// wait for itself: that stops the program with a message).
    public func closeSynchronously() {
        if let host = takenOver.withLockedValue({ $0 }) {
            host.closeSynchronously()
        } else {
            session.closeSynchronously()
        }
    }

    /// A client dropped without `close()` still says goodbye, and frees its socket and its
    /// place on the network thread, even after the host ended the session: a session the
    /// host ended is finished, but its transport is closed only by `close`.
    deinit {
        guard session.closed.value == nil else { return }
        Task { [session] in await session.close() }
    }
}
