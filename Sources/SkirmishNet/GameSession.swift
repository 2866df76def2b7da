import Netplay
import NetplayBase
import NetplayDiscovery
import NetplayDrivers
import NetplayProtocol
import SkirmishCore

/// One networked game of Skirmish, as every front end (terminal, window, headless bot) uses it:
/// start it by hosting, joining or `auto(settings:)`, then once a frame hand it the player's
/// input and draw the ``FrameView`` it returns.
///
/// ```swift
/// let session = try await GameSession.auto()          // joins a game on the LAN, or hosts one
/// print(session.notice ?? "")                          // e.g. how others join
/// while running {
///     let view = session.update(input: keyboard.input)
///     draw(view)
///     if let reason = view.ended { show(reason); break }
///     try await Task.sleep(for: .milliseconds(33))
/// }
/// await session.close()
/// ```
///
/// The host runs the simulation; clients send inputs and draw what the host replicates (see
/// ``SkirmishProtocol`` for what travels how). A session is used from one task, the game loop.
public final class GameSession {
    private enum Role {
        case host(HostSession)
        case client(ClientSession)
    }

    private let role: Role
    private let startedAt: ContinuousClock.Instant
    private var tally = ReportTally()
    /// What the session wants the player to know about how it started (hosting, joined).
    public let notice: String
    /// On a host, the join string players type to join (`NP-…`); `nil` on a client.
    public private(set) var joinString: String?

    private init(role: Role, notice: String, now: ContinuousClock.Instant) {
        self.role = role
        self.notice = notice
        startedAt = now
    }

    /// Whether this peer hosts the game.
    public var isHost: Bool {
        if case .host = role { return true }
        return false
    }

    /// Advances the game to now with `input` for the local player, and returns what to draw.
    /// Call once a frame; the simulation runs its fixed 30 Hz ticks whatever the frame rate.
    public func update(input: PlayerInput) -> FrameView {
        let now = ContinuousClock.now
        let view: FrameView
        switch role {
        case .host(let host):
            view = host.update(
                input: input, now: now, instant: NetInstant(nanoseconds: (now - startedAt).nanosecondsClamped))
        case .client(let client):
            view = client.update(input: input, now: now)
        }
        tally.record(view)
        return view
    }

    /// What the built-in `Bot` would press now for the local player (for `--bot`).
    public func botInput() -> PlayerInput {
        switch role {
        case .host(let host): host.botInput()
        case .client(let client): client.botInput()
        }
    }

    /// Leaves the game: a host tells every client it ended the game, a client tells the host it
    /// left (its seat frees). Idempotent.
    public func close() async {
        switch role {
        case .host(let host):
            await host.net.close()
        case .client(let client):
            await client.net.close()
        }
    }

    /// The figures measured so far.
    public var report: SessionReport {
        var report = tally.report
        report.seconds = (ContinuousClock.now - startedAt).secondsDouble
        switch role {
        case .host(let host):
            report.role = "host"
            report.ticksSimulated = host.ticksSimulated
            report.hostTick = Int(host.world.tick)
            report.snapshots = host.snapshotsSent
            report.bulletsSeen = host.bulletsFired
            report.kilobitsPerSecondSent = Double(host.traffic.totalSent * 8) / max(report.seconds, 1e-3) / 1000
            report.kilobitsPerSecondReceived = Double(host.traffic.totalReceived * 8) / max(report.seconds, 1e-3) / 1000
            report.endReason = host.ended
        case .client(let client):
            report.role = "client"
            report.ticksSimulated = client.ticksSimulated
            report.hostTick = Int(client.replication.newestTick?.value ?? 0)
            report.snapshots = client.snapshotsReceived
            report.snapshotLoss = client.snapshotLoss
            report.bulletsSeen = client.bullets.added
            report.corrections = client.corrections
            report.largestCorrection = client.largestCorrection
            report.maxRemotePositionDifference = client.audit.maxRemote
            report.remotePositionsChecked = client.audit.remoteChecked
            report.maxOwnPositionDifference = client.audit.maxOwn
            report.ownPositionsChecked = client.audit.ownChecked
            report.kilobitsPerSecondSent = Double(client.traffic.totalSent * 8) / max(report.seconds, 1e-3) / 1000
            report.kilobitsPerSecondReceived =
                Double(client.traffic.totalReceived * 8) / max(report.seconds, 1e-3) / 1000
            report.endReason = client.ended
            report.disconnected = client.ended != nil
        }
        return report
    }
}

extension GameSession {
    /// Hosts a game: listens on ``SessionSettings/port`` (or a free port if that one is taken),
    /// advertises it where ``SessionSettings/discovery`` says (Netplay keeps the advert's player
    /// count current), and seats the host's own player.
    /// - Parameter code: A join code players must give (nil: anyone on the network may join).
    public static func host(code: String? = nil, settings: SessionSettings = SessionSettings())
        async throws(SessionError) -> GameSession
    {
        let net = try await startHost(code: code, settings: settings)
        // A host on one interface is joined at that address; on every interface, at this
        // machine's LAN address.
        let join =
            (try? settings.interface.map { try PeerAddress(numericHost: $0, port: Int(net.port)) })?
            .map { JoinString(address: $0, joinCode: code) } ?? net.joinString(joinCode: code)
        let line = "Hosting on port \(net.port). Join with: skirmish join \(join)"
        let now = ContinuousClock.now
        // The frame's notice line must fit 80 columns: the join string, without the command.
        let host = HostSession(net: net, notice: "Hosting on port \(net.port). Join string: \(join)", now: now)
        let session = GameSession(role: .host(host), notice: line, now: now)
        session.joinString = join.description
        return session
    }

    private static func startHost(code: String?, settings: SessionSettings) async throws(SessionError) -> NetHost {
        do {
            return try await NetHost.start(
                game: settings.gameName, port: settings.port, interface: settings.interface,
                joinCode: code, messages: SkirmishProtocol.messages, options: SkirmishProtocol.options,
                advertise: settings.discovery, hostName: settings.hostName)
        } catch {
            guard settings.port == NetHost.defaultPort, case .socketUnavailable = error else {
                throw SessionError("Could not host: \(error)")
            }
        }
        do {
            // The usual port is taken (another game on this machine): any free port will do,
            // discovery and the join string carry it.
            return try await NetHost.start(
                game: settings.gameName, port: 0, interface: settings.interface,
                joinCode: code, messages: SkirmishProtocol.messages, options: SkirmishProtocol.options,
                advertise: settings.discovery, hostName: settings.hostName)
        } catch {
            throw SessionError("Could not host: \(error)")
        }
    }

    /// Joins a game found by discovery.
    public static func join(_ game: FoundGame, code: String? = nil, settings: SessionSettings = SessionSettings())
        async throws(SessionError) -> GameSession
    {
        do {
            let net = try await NetClient.connect(
                to: game, joinCode: code, messages: SkirmishProtocol.messages, options: SkirmishProtocol.options)
            return try client(net, notice: "Joined \(game.advert.hostName)'s game at \(game.address).")
        } catch let error as SessionError {
            throw error
        } catch {
            throw SessionError("\(error)")
        }
    }

    /// Joins with a join string a host printed (`NP-…`).
    public static func join(joinString: String, settings: SessionSettings = SessionSettings())
        async throws(SessionError) -> GameSession
    {
        do {
            let net = try await NetClient.connect(
                joinString: joinString, game: settings.gameName,
                messages: SkirmishProtocol.messages, options: SkirmishProtocol.options)
            return try client(net, notice: "Joined the game at \(net.hostAddress).")
        } catch let error as SessionError {
            throw error
        } catch {
            throw SessionError("\(error)")
        }
    }

    /// Looks for a game on the network for ``SessionSettings/searchTimeout`` and joins the first
    /// found; finding none, hosts one (and its ``notice`` says so).
    public static func auto(code: String? = nil, settings: SessionSettings = SessionSettings())
        async throws(SessionError) -> GameSession
    {
        if let game = try await find(settings: settings) {
            return try await join(game, code: code, settings: settings)
        }
        let hosted = try await host(code: code, settings: settings)
        let session = GameSession(
            role: hosted.role, notice: "No game found, so you are hosting one. " + hosted.notice, now: hosted.startedAt)
        session.joinString = hosted.joinString
        if case .host(let host) = hosted.role, let join = hosted.joinString {
            host.notice = "No game found, so you host. Join string: \(join)"
        }
        return session
    }

    /// The first compatible game discovery finds, or `nil`.
    public static func find(settings: SessionSettings = SessionSettings()) async throws(SessionError) -> FoundGame? {
        guard let discovery = settings.discovery else { throw SessionError("Discovery is off: give a join string.") }
        do {
            return try await Discovery.first(
                game: settings.gameName, timeout: settings.searchTimeout, protocolVersion: SkirmishProtocol.version,
                fingerprint: SkirmishProtocol.fingerprint, config: discovery)
        } catch let error as DiscoveryError {
            if case .noGameFound = error { return nil }
            throw SessionError("Could not look for games: \(error)")
        } catch {
            throw SessionError("Could not look for games: \(error)")
        }
    }

    private static func client(_ net: NetClient, notice: String) throws(SessionError) -> GameSession {
        guard let peer = net.localPeer else { throw SessionError("The host accepted us but gave no player id.") }
        let now = ContinuousClock.now
        let session = ClientSession(net: net, localPlayer: PlayerID(peer.id.rawValue), now: now)
        session.notice = notice
        return GameSession(role: .client(session), notice: notice, now: now)
    }
}
