import NIOConcurrencyHelpers
import NetplayBase
import NetplayDiscovery
import NetplayDrivers
import NetplayProtocol
import NetplayWire

/// A game session that other players join: it listens on a UDP port, admits clients through
/// Netplay's encrypted handshake, and is a player itself.
///
/// ```swift
/// let host = try await NetHost.start(game: "skirmish", messages: [Move.self])
/// // every frame:
/// for event in host.poll() { … }
/// try host.send(Move(x: 1, y: 2), on: .unreliableSequenced)       // to everyone
/// // when done:
/// await host.close()
/// ```
///
/// **The host is a player.** Its own player is ``NetPeer/host``: the first event it polls is
/// `.connected(.host)`, a message sent to ``NetRecipients/everyone`` (or to `.peer(.host)`)
/// comes back to it as `.message(_, from: .host)` through the same decoder, and the last event
/// is `.disconnected(.host, reason)`. So the code that handles a remote player's message also
/// handles the host's own, and nothing differs between hosting and playing.
///
/// All methods may be called from any thread.
public final class NetHost: Sendable {
    /// The port games use unless they choose another.
    public static let defaultPort = 7777
    /// Every IPv6 interface; Linux, macOS and Windows let such a socket take IPv4 too unless
    /// `IPV6_V6ONLY` is set, which NIO does not do.
    static let dualStackWildcard = "::"
    /// Every IPv4 interface, for systems with IPv6 disabled.
    static let ipv4Wildcard = "0.0.0.0"

    package let session: NetSession
    /// The LAN advert once it is up, the task still starting one, and whether ``close()`` has
    /// begun.
    private let advertising = NIOLockedValueBox(Advertising())
    /// Makes the game visible on the LAN: nil when started with `advertise: nil`, when no
    /// discovery socket could be bound, and once ``close()`` began. Set after the start on a
    /// host started with ``startSynchronously(game:port:interface:joinCode:messages:options:advertise:hostName:)``
    /// and on a player who took over a session (``NetClient/host``), once its advert is up.
    var advertiser: LANAdvertiser? { advertising.withLockedValue { $0.advertiser } }

    /// The address and port the host listens on.
    public let localAddress: PeerAddress

    /// The port the host listens on (the real one when it was started with port 0).
    public var port: UInt16 { localAddress.port }

    package init(session: NetSession, localAddress: PeerAddress) {
        self.session = session
        self.localAddress = localAddress
    }

    /// Starts hosting `game` on a UDP port, and returns once its LAN advert is up (best effort:
    /// a host whose discovery ports are all taken, or a network without broadcast or
    /// multicast, still starts, unlisted).
    ///
    /// A game loop that is not async code starts with
    /// ``startSynchronously(game:port:interface:joinCode:messages:options:advertise:hostName:)``
    /// instead, which takes the same arguments.
    ///
    /// - Parameters:
    ///   - game: The game's name. Only clients connecting with the same name are answered, so
    ///     two games on one LAN never confuse each other.
    ///   - port: The UDP port, or 0 for any free one (read it from `port`).
    ///   - interface: The local address to listen on. By default every interface, IPv6 and
    ///     IPv4 alike (a dual-stack `"::"` socket, or `"0.0.0.0"` where IPv6 is unavailable);
    ///     `"127.0.0.1"` or `"::1"` for this machine only.
    ///   - joinCode: A short secret players must type to join (nil: anyone may join). It is
    ///     mixed into the encryption keys, never sent.
    ///   - messages: Every message type the game sends, in the same order on every side; the
    ///     handshake refuses clients whose list differs and says which field differs.
    ///   - options: Timeouts, limits and channels.
    ///   - advertise: Where to answer LAN discovery queries (nil: stay unlisted; players then
    ///     join with ``joinString(joinCode:)``).
    ///   - hostName: The name players see in the list of games (by default this machine's).
    /// - Throws: ``NetError/invalidAddress(_:)``, ``NetError/portInUse(_:)`` or
    ///   ``NetError/socketUnavailable(_:)``.
    public static func start(
        game: String,
        port: Int = NetHost.defaultPort,
        interface: String? = nil,
        joinCode: String? = nil,
        messages: [any NetMessage.Type],
        options: NetOptions = NetOptions(),
        advertise: LANDiscoveryConfig? = .lan,
        hostName: String? = nil
    ) async throws(NetError) -> NetHost {
        let host = try open(
            game: game, port: port, interface: interface, joinCode: joinCode, messages: messages, options: options)
        await host.advertise(advertise, game: game, hostName: hostName, joinCode: joinCode)
        host.logStart(game: game, advertised: "\(host.advertiser != nil)")
        return host
    }

    /// Starts hosting `game` on a UDP port from code that is not async: a game loop of its own,
    /// as ENet's `enet_host_create` is called. The same as
    /// ``start(game:port:interface:joinCode:messages:options:advertise:hostName:)`` except
    /// that it returns as soon as the socket is bound (opening a socket waits for nothing on
    /// the network), and the LAN advert, if asked for, comes up a moment later in the
    /// background, on Swift's concurrency runtime. A host with `advertise: nil` never starts
    /// that runtime: with ``NetServicing/gameThread`` servicing, no thread but the game's.
    ///
    /// ```swift
    /// let host = try NetHost.startSynchronously(game: "skirmish", messages: [Move.self])
    /// while running {
    ///     for event in host.poll() { … }
    ///     drawFrame()
    /// }
    /// host.closeSynchronously()
    /// ```
    ///
    /// Such a loop closes with ``closeSynchronously()``. A host let go without a close says
    /// goodbye from a task of its own, which a program that ends at once never runs: its
    /// clients then see the host time out instead of `hostShutDown`.
    ///
    /// The parameters are ``start(game:port:interface:joinCode:messages:options:advertise:hostName:)``'s.
    /// - Throws: ``NetError/invalidAddress(_:)``, ``NetError/portInUse(_:)`` or
    ///   ``NetError/socketUnavailable(_:)``.
    public static func startSynchronously(
        game: String,
        port: Int = NetHost.defaultPort,
        interface: String? = nil,
        joinCode: String? = nil,
        messages: [any NetMessage.Type],
        options: NetOptions = NetOptions(),
        advertise: LANDiscoveryConfig? = .lan,
        hostName: String? = nil
    ) throws(NetError) -> NetHost {
        let host = try open(
            game: game, port: port, interface: interface, joinCode: joinCode, messages: messages, options: options)
        host.advertiseInBackground(advertise, game: game, hostName: hostName, joinCode: joinCode)
        host.logStart(game: game, advertised: advertise == nil ? "false" : "soon")
        return host
    }

    /// The host with its socket bound: everything a start does but advertise.
    private static func open(
        game: String, port: Int, interface: String?, joinCode: String?, messages: [any NetMessage.Type],
        options: NetOptions
    ) throws(NetError) -> NetHost {
        if let interface { _ = try PeerAddress(numericHost: interface, port: port) }
        let registry = MessageRegistry(messages)
        let endpoint = HostEndpoint(config: options.protocolConfig(game: game, joinCode: joinCode, registry: registry))
        let session = NetSession(core: NetCore(host: endpoint, registry: registry, options: options), options: options)
        let localAddress: PeerAddress
        if let interface {
            localAddress = try SessionSocket.open(session, host: interface, port: port)
        } else {
            do throws(NetError) {
                localAddress = try SessionSocket.open(session, host: Self.dualStackWildcard, port: port)
            } catch {
                localAddress = try SessionSocket.open(session, host: Self.ipv4Wildcard, port: port)
            }
        }
        return NetHost(session: session, localAddress: localAddress)
    }

    private func logStart(game: String, advertised: String) {
        session.options.logger.info(
            "hosting", metadata: ["game": "\(game)", "address": "\(localAddress)", "advertised": "\(advertised)"])
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
    /// Task(executorPreference: host.executor) {
    ///     for await event in host.events { … }
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
    /// the session is closed.
    public var executor: (any TaskExecutor)? { session.taskExecutor }

    /// The events as an asynchronous sequence, for async code; it ends after
    /// `.disconnected(.host, _)`. Use either this or `poll()`, not both: from the first use of
    /// this property, events go here only.
    public var events: NetEvents { session.events.stream() }

    /// Queues `message` for `recipients` on `channel`; the network thread sends it as soon as
    /// it is free (with ``NetServicing/gameThread`` servicing: at the next ``poll()`` or
    /// ``flush()``). Cheap and callable from any thread: the message is encoded here and
    /// buffered under a lock. One exception: when the game answers events as they come (async
    /// code reads ``events``, or the loop's last ``poll(waitingUpTo:)`` returned events) and
    /// the link is idle (nothing in flight, the network thread asleep, at most four clients),
    /// the first message of a batch is sealed and sent from this thread at once, so a reply
    /// does not wait for that thread to wake.
    ///
    /// - Throws: ``NetSendError``; nothing was queued.
    public func send(
        _ message: some NetMessage, on channel: NetChannel = .reliableOrdered, to recipients: NetRecipients = .everyone
    ) throws(NetSendError) {
        try session.send(message, on: channel, to: recipients)
    }

    /// Removes a client, telling it why; it sees `DisconnectReason.kicked(reason:)`.
    /// Messages queued for it before the kick are still sent first.
    public func kick(_ peer: NetPeer, reason: String? = nil) {
        try? session.enqueue(OutboundKick(peer: peer, reason: reason))
    }

    /// The connected clients, in id order (the host's own player is not listed).
    public var peers: [NetPeer] { session.withCore { $0.connectedPeers } }

    /// A client's connection figures (round-trip time, loss, drops), or nil if it is not connected.
    public func statistics(for peer: NetPeer) -> PeerStatistics? { session.withCore { $0.statistics(for: peer) } }

    /// Where the host sends a client's packets: the address it joined from, or the one it
    /// moved to (Wi-Fi to Ethernet, a NAT rebinding) once it answered a path challenge there.
    /// Nil if it is not connected.
    package func address(of peer: NetPeer) -> PeerAddress? { session.withCore { $0.host?.address(of: peer.id) } }

    /// What handshakes have cost this host, and how many it turned away.
    public var handshakeStatistics: HandshakeStatistics {
        session.withCore { HandshakeStatistics(host: $0.host) }
    }

    /// Events dropped because the game read neither ``poll()`` nor ``events`` for too long.
    public var droppedEvents: Int { session.events.droppedCount }

    /// Closes gracefully: stops accepting sends, gives queued reliable messages up to
    /// ``NetOptions/closeFlushTimeout`` to be acknowledged, tells every client the host shut
    /// down (they see `DisconnectReason.hostShutDown`), then closes the socket. Idempotent.
    /// The LAN advert stops first; one still coming up (after
    /// ``startSynchronously(game:port:interface:joinCode:messages:options:advertise:hostName:)``)
    /// is waited for and stopped, so none outlives the call.
    public func close() async {
        await Self.stopAdvertising(beginClosing())
        await session.close()
    }

    /// ``close()`` from a game loop that is not async code: the same graceful close, blocking
    /// the calling thread until it is done (at most about ``NetOptions/closeFlushTimeout``
    /// while clients acknowledge nothing). With ``NetServicing/gameThread`` servicing this
    /// call does the network's work meanwhile. A LAN advert, which lives on Swift's
    /// concurrency runtime, is stopped there first (and one still coming up is waited for).
    /// Call it from the game's own thread, never from async code: it would block a thread of
    /// Swift's pool (and on the network executor, ``executor``, wait for itself: that stops
    /// the program with a message).
    public func closeSynchronously() {
        session.requireSynchronousCloseCanFinish()
        let advert = beginClosing()
        if advert.advertiser != nil || advert.starting != nil {
            let stopped = Latch<Void>()
            Task {
                await Self.stopAdvertising(advert)
                stopped.set(())
            }
            stopped.waitBlocking()
        }
        session.closeSynchronously()
    }

    /// Marks the host closing and takes its advert, with the task still starting one: a close
    /// stops the one and waits for the other.
    private func beginClosing() -> (advertiser: LANAdvertiser?, starting: Task<Void, Never>?) {
        advertising.withLockedValue { state in
            state.closing = true
            return (state.advertiser.take(), state.starting)
        }
    }

    /// Stops what ``beginClosing()`` took. An advert still starting sees `closing` when it
    /// comes up and stops itself: once this returns, none is left. (Every close waits for
    /// it, not only the first.)
    private static func stopAdvertising(_ advert: (advertiser: LANAdvertiser?, starting: Task<Void, Never>?)) async {
        await advert.starting?.value
        await advert.advertiser?.stop()
    }

    /// Starts the LAN advert (nil `config`: none) on a task of its own, which ``close()``
    /// waits for: after a synchronous start, and on a player who took a session over (the
    /// game is advertised again, from there, as its old host did). Best effort.
    func advertiseInBackground(_ config: LANDiscoveryConfig?, game: String, hostName: String?, joinCode: String?) {
        guard let config else { return }
        advertising.withLockedValue { state in
            guard !state.closing else { return }
            // After any advert started before (a close waits for the last, which waits for it).
            state.starting = Task { [earlier = state.starting] in
                await earlier?.value
                await self.advertise(config, game: game, hostName: hostName, joinCode: joinCode)
            }
        }
    }

    /// Starts the LAN advert and keeps it, unless the host closed or its session ended
    /// meanwhile: an advert that comes up late (in the background, or after a takeover) must
    /// not outlive the game. The check and the keeping are one step under the lock that
    /// ``close()`` marks, so a close either finds the advert or the advert sees the close.
    /// An advert is not started at all once the close began (it would bind, announce the game
    /// and say goodbye at once).
    private func advertise(_ config: LANDiscoveryConfig?, game: String, hostName: String?, joinCode: String?) async {
        guard let config, advertising.withLockedValue({ !$0.closing }) else { return }
        guard
            let advertiser = await Self.startAdvertising(
                config, game: game, hostName: hostName ?? LocalAddresses.hostName(), registry: session.registry,
                options: session.options, port: localAddress.port, joinCode: joinCode, session: session)
        else {
            session.options.logger.notice(
                "not advertised on the LAN: no discovery socket could be bound",
                metadata: ["game": "\(game)", "ports": "\(config.ports)"])
            return
        }
        let kept = advertising.withLockedValue { state -> Bool in
            guard !state.closing, session.finished.value == nil else { return false }
            state.advertiser = advertiser
            return true
        }
        if !kept { await advertiser.stop() }
    }

    /// Advertises the game (best effort: a network without broadcast or multicast still lets
    /// players join by address or join string) and keeps its player count current.
    static func startAdvertising(
        _ config: LANDiscoveryConfig, game: String, hostName: String, registry: MessageRegistry, options: NetOptions,
        port: UInt16, joinCode: String?, session: NetSession
    ) async -> LANAdvertiser? {
        let advert = GameAdvert(
            hostInstanceID: UInt64.random(in: 1...UInt64.max), gameName: game, hostName: hostName,
            players: 1, capacity: options.maxPeers + 1, protocolVersion: options.version,
            schemaFingerprint: registry.fingerprint.bytes, gamePort: port,
            requiresJoinCode: !(joinCode ?? "").isEmpty)
        guard let advertiser = try? await LANAdvertiser.start(advert: advert, config: config) else { return nil }
        session.onPeerCountChange { count in advertiser.update(players: count + 1) }
        return advertiser
    }

    /// The advert and the close, read and changed together (see `advertise`).
    private struct Advertising {
        var advertiser: LANAdvertiser?
        /// The task starting the advert in the background (after a synchronous start, or a
        /// takeover), kept for ``close()`` to wait for.
        var starting: Task<Void, Never>?
        var closing = false
    }

    deinit {
        // A host dropped without close() still says goodbye and frees its socket and thread,
        // and stops an advert kept after its session was closed another way (a client's close
        // racing its takeover). No task can still be starting one: it would hold the host.
        let advertiser = advertising.withLockedValue { $0.advertiser.take() }
        guard session.closed.value == nil || advertiser != nil else { return }
        Task { [session] in
            await advertiser?.stop()
            await session.close()
        }
    }
}
