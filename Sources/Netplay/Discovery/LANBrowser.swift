import NIOConcurrencyHelpers
import NIOCore

/// Looks for games on the local network: an `AsyncSequence` of found, updated and lost games.
///
/// ```swift
/// let browser = try await LANBrowser.start(game: "skirmish", registry: registry)
/// for await event in browser.events { print(event) }
/// ```
public final class LANBrowser: Sendable {
    private let driver: UDPDriver
    private let state: NIOLockedValueBox<DiscoveryBrowser>
    private let continuation: AsyncStream<DiscoveryEvent>.Continuation
    private let refresh: NIOLockedValueBox<RepeatedTask?>
    /// Found, updated and lost games, as they happen. Ends when the browser stops.
    public let events: AsyncStream<DiscoveryEvent>

    private init(driver: UDPDriver, state: NIOLockedValueBox<DiscoveryBrowser>, events: AsyncStream<DiscoveryEvent>,
                 continuation: AsyncStream<DiscoveryEvent>.Continuation) {
        self.driver = driver
        self.state = state
        self.events = events
        self.continuation = continuation
        refresh = NIOLockedValueBox(nil)
    }

    /// Starts browsing for `game` (empty: any game), judging compatibility against this
    /// program's protocol version and message registry.
    public static func start(game: String, protocolVersion: UInt32, fingerprint: SchemaFingerprint,
                             config: LANDiscoveryConfig = .lan) async throws -> LANBrowser {
        let (events, continuation) = AsyncStream.makeStream(of: DiscoveryEvent.self, bufferingPolicy: .bufferingNewest(256))
        let state = NIOLockedValueBox(DiscoveryBrowser(gameFilter: game, protocolVersion: protocolVersion,
                                                       schemaFingerprint: fingerprint.bytes, nonceSeed: UInt32.random(in: 0...UInt32.max)))
        let clockBox = NIOLockedValueBox<MonotonicClock?>(nil)
        let driver = try await LANSocket.bind(config: config) { source, bytes in
            guard let now = clockBox.withLockedValue({ $0 })?.now else { return }
            for event in state.withLockedValue({ $0.receive(bytes, from: source, now: now) }) { continuation.yield(event) }
        }
        clockBox.withLockedValue { $0 = driver.clock }
        let browser = LANBrowser(driver: driver, state: state, events: events, continuation: continuation)
        let destinations = config.destinations
        let task = driver.scheduleRepeating(every: config.refreshInterval) { [driver] now in
            let (query, lost) = state.withLockedValue { ($0.makeQuery(), $0.update(now: now)) }
            for event in lost { continuation.yield(event) }
            driver.send(destinations.map { ($0, query) })
        }
        browser.refresh.withLockedValue { $0 = task }
        driver.send(destinations.map { ($0, state.withLockedValue { $0.makeQuery() }) })
        return browser
    }

    /// The games known now.
    public var games: [FoundGame] { state.withLockedValue { $0.currentGames } }

    /// Stops browsing and ends ``events``.
    public func stop() async {
        refresh.withLockedValue { $0?.cancel() }
        continuation.finish()
        await driver.close()
    }
}

/// One-call discovery for games and tools.
public enum Discovery {
    /// The first compatible `game` found within `timeout`.
    /// - Throws: ``DiscoveryError/noGameFound(game:after:)`` when nothing answered, or
    ///   ``DiscoveryError/onlyIncompatibleGames(_:)`` when only other builds answered.
    public static func first(game: String, timeout: Duration = .seconds(1.5), protocolVersion: UInt32,
                             fingerprint: SchemaFingerprint, config: LANDiscoveryConfig = .lan) async throws -> FoundGame {
        let browser = try await LANBrowser.start(game: game, protocolVersion: protocolVersion, fingerprint: fingerprint, config: config)
        let deadline = ContinuousClock.now + timeout
        let found = await withTaskGroup(of: FoundGame?.self) { group -> FoundGame? in
            group.addTask {
                for await event in browser.events {
                    if case .found(let game) = event, game.compatibility == .compatible { return game }
                }
                return nil
            }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let seen = browser.games
        await browser.stop()
        if let found { return found }
        if !seen.isEmpty { throw DiscoveryError.onlyIncompatibleGames(seen) }
        throw DiscoveryError.noGameFound(game: game, after: timeout)
    }
}
