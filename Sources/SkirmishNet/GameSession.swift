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
///
/// The game outlives its host (``SessionSettings/hostMigration``): when the host quits, or is
/// silent for 2 s, the player who joined first becomes the host and continues the game from
/// what it had (same wave, creeps where they were), and the others rejoin it with their seats.
/// Its session then reports ``isHost``; every frame says who hosts (``FrameView/host``).
public final class GameSession {
    private enum Role {
        case host(HostSession)
        case client(ClientSession)
    }

    private var role: Role
    /// The client session this player had before it took over as host, for its figures.
    private var former: ClientSession?
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
        var view: FrameView
        switch role {
        case .host(let host): view = host.update(input: input)
        case .client(let client):
            view = client.update(input: input)
            if let takeover = client.takeover {
                let host = HostSession(succeeding: client, takeover)
                former = client
                role = .host(host)
                view = host.update(input: input)
            }
        }
        tally.record(view)
        return view
    }

    private var replicas: NetWorld<ReplicatedUnit, PlayerInput> {
        switch role {
        case .host(let host): host.replicas
        case .client(let client): client.replicas
        }
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
            report.role = host.handover == nil ? "host" : "host (took over)"
            report.localPlayer = host.localPlayer.rawValue
            report.hostTick = Int(host.world.tick)
            report.bulletsSeen = host.bulletsFired
            report.endReason = host.ended
            if let former { report.record(former.audit) }
            report.handovers = (former?.handovers ?? []) + (host.handover.map { [$0] } ?? [])
            report.record(host.reconnects)
        case .client(let client):
            report.role = "client"
            report.localPlayer = client.localPlayer.rawValue
            report.handovers = client.handovers
            report.hostTick = client.replicas.newestTick ?? 0
            report.bulletsSeen = client.bullets.added
            report.record(client.audit)
            report.endReason = client.ended
            report.disconnected = client.ended != nil
            report.record(client.reconnects)
        }
        let replication = replicas.statistics
        report.ticksSimulated = replication.ticks
        report.snapshots = replication.snapshots
        report.snapshotLoss = replication.snapshotLoss
        report.corrections = replication.corrections
        report.largestCorrection = replication.largestCorrection
        return report
    }
}

extension GameSession {
    /// Hosts a game: listens on ``SessionSettings/port`` (or a free port if that one is taken),
    /// advertises it where ``SessionSettings/discovery`` says (Netplay keeps the advert's player
    /// count current), and seats the host's own player.
    /// - Parameters:
    ///   - code: A join code players must give (nil: anyone on the network may join).
    ///   - settings: The port, discovery and timing to host with.
    public static func host(code: String? = nil, settings: SessionSettings = SessionSettings())
        async throws(SessionError) -> GameSession
    {
        let net = try await startHost(code: code, settings: settings)
        // A host on one interface is joined at that address; on every interface, at this
        // machine's LAN address.
        let join =
            (try? settings.interface.map { try PeerAddress(numericHost: $0, port: Int(net.port)) })?
            .map { JoinString(address: $0, joinCode: code) } ?? net.joinString(joinCode: code)
        let line = "Hosting on port \(net.port). Join with: \(settings.command) join \(join)"
        let now = ContinuousClock.now
        // The frame's notice line must fit 80 columns: the join string, without the command.
        let host: HostSession
        do {
            host = try HostSession(net: net, notice: "Hosting on port \(net.port). Join string: \(join)")
        } catch {
            await net.close()
            throw SessionError("Could not host: \(error)")
        }
        let session = GameSession(role: .host(host), notice: line, now: now)
        session.joinString = join.description
        return session
    }

    private static func startHost(code: String?, settings: SessionSettings) async throws(SessionError) -> NetHost {
        do {
            return try await NetHost.start(
                game: settings.gameName, port: settings.port, interface: settings.interface,
                joinCode: code, messages: SkirmishProtocol.messages, options: settings.netOptions,
                advertise: settings.discovery, hostName: settings.hostName)
        } catch {
            guard settings.port == NetHost.defaultPort, case .portInUse = error else {
                throw hostingError(error)
            }
        }
        do {
            // The usual port is taken (another game on this machine): any free port will do,
            // discovery and the join string carry it.
            return try await NetHost.start(
                game: settings.gameName, port: 0, interface: settings.interface,
                joinCode: code, messages: SkirmishProtocol.messages, options: settings.netOptions,
                advertise: settings.discovery, hostName: settings.hostName)
        } catch {
            throw hostingError(error)
        }
    }

    private static func hostingError(_ error: NetError) -> SessionError {
        if case .portInUse(let port) = error {
            return SessionError(
                "Could not host: port \(port) is already in use on this machine (another game or program has it). Use --port 0 for any free port."
            )
        }
        return SessionError("Could not host: \(error)")
    }

    /// Joins a game found by discovery.
    /// - Throws: ``SessionError`` saying what happened and what to do; a game whose advert
    ///   says it needs a join code is refused at once when `code` is nil.
    public static func join(_ game: FoundGame, code: String? = nil, settings: SessionSettings = SessionSettings())
        async throws(SessionError) -> GameSession
    {
        if game.advert.requiresJoinCode, code?.isEmpty ?? true {
            throw SessionError(
                "This game needs a join code: ask \(game.advert.hostName) for it, then join with --code CODE.")
        }
        do {
            let net = try await NetClient.connect(
                to: game, joinCode: code, messages: SkirmishProtocol.messages, options: settings.netOptions)
            return try client(net, notice: "Joined \(game.advert.hostName)'s game at \(game.address).")
        } catch let error as SessionError {
            throw error
        } catch {
            throw joinError(error, address: game.address)
        }
    }

    /// Joins with a join string a host printed (`NP-…`), or at an address (`127.0.0.1`,
    /// `127.0.0.1:7777`, `[::1]:7777`; without a port, ``SessionSettings/port``). A `code` is
    /// used when the join string carries none; one that contradicts the join string's is
    /// refused, never silently ignored.
    public static func join(joinString: String, code: String? = nil, settings: SessionSettings = SessionSettings())
        async throws(SessionError) -> GameSession
    {
        let join = try JoinTarget.parse(joinString, defaultPort: settings.port)
        if let carried = join.joinCode, let code, !code.isEmpty, code != carried {
            throw SessionError(
                "The join string already carries a join code, and --code gives another: use the join string alone.")
        }
        do {
            let net = try await NetClient.connect(
                to: join.address, game: settings.gameName, joinCode: join.joinCode ?? code,
                messages: SkirmishProtocol.messages, options: settings.netOptions)
            return try client(net, notice: "Joined the game at \(net.hostAddress).")
        } catch let error as SessionError {
            throw error
        } catch {
            throw joinError(error, address: join.address)
        }
    }

    /// What happened when joining `address` failed, and what the player can do.
    static func joinError(_ error: any Error, address: PeerAddress) -> SessionError {
        switch (error as? NetError)?.reason {
        case .hostUnreachable:
            SessionError(
                "Nothing answers at \(address). Check the join string, that the host is still running, and that no firewall blocks UDP."
            )
        case .wrongGame(let host, _):
            SessionError("The host at \(address) runs '\(host)', not Skirmish: check the join string or address.")
        case .joinCodeRequired:
            SessionError("This game needs a join code: ask the host for it, then join with --code CODE.")
        case .wrongJoinCode:
            SessionError("The join code is wrong for the game at \(address): check it with the host.")
        case .versionMismatch(let local, let remote):
            SessionError(
                "The game at \(address) runs protocol version \(remote) of Skirmish; this copy runs \(local). Run the same version on both sides."
            )
        case .schemaMismatch:
            SessionError("The game at \(address) runs another build of Skirmish. Run the same build on both sides.")
        default:
            SessionError("\(error)")
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
        return try await hostSinceNoneFound(code: code, settings: settings)
    }

    /// Hosts a game after a search found none; its ``notice`` says so.
    public static func hostSinceNoneFound(code: String? = nil, settings: SessionSettings = SessionSettings())
        async throws(SessionError) -> GameSession
    {
        let hosted = try await host(code: code, settings: settings)
        let session = GameSession(
            role: hosted.role, notice: "No game found, so you are hosting one. " + hosted.notice, now: hosted.startedAt)
        session.joinString = hosted.joinString
        if case .host(let host) = hosted.role, let join = hosted.joinString {
            host.notice = "No game found, so you host. Join string: \(join)"
        }
        return session
    }

    /// Every game discovery finds within ``SessionSettings/searchTimeout`` (compatible ones
    /// first), so the player can choose; empty when none answered.
    public static func findAll(settings: SessionSettings = SessionSettings()) async throws(SessionError) -> [FoundGame]
    {
        guard let discovery = settings.discovery else { throw SessionError("Discovery is off: give a join string.") }
        do {
            return try await Discovery.games(
                game: settings.gameName, timeout: settings.searchTimeout, protocolVersion: SkirmishProtocol.version,
                fingerprint: SkirmishProtocol.fingerprint, config: discovery)
        } catch {
            throw SessionError("Could not look for games: \(error)")
        }
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
        let session: ClientSession
        do {
            session = try ClientSession(net: net, localPlayer: PlayerID(peer.id.rawValue))
        } catch {
            throw SessionError("Could not join: \(error)")
        }
        session.notice = notice
        return GameSession(role: .client(session), notice: notice, now: now)
    }
}
