import NIOConcurrencyHelpers
import NIOCore
import NetplayBase
import NetplayDiscovery
import NetplayWire

/// Looks for games on the local network: an `AsyncSequence` of found, updated and lost games.
///
/// ```swift
/// let browser = try await LANBrowser.start(game: "skirmish", registry: registry)
/// for await event in browser.events { print(event) }
/// ```
public final class LANBrowser: Sendable {
    private let sockets: LANSockets
    private let state: NIOLockedValueBox<DiscoveryBrowser>
    private let continuation: AsyncStream<DiscoveryEvent>.Continuation
    private let refresh: NIOLockedValueBox<RepeatedTask?>
    /// Found, updated and lost games, as they happen. Ends when the browser stops.
    public let events: AsyncStream<DiscoveryEvent>

    private init(
        sockets: LANSockets, state: NIOLockedValueBox<DiscoveryBrowser>, events: AsyncStream<DiscoveryEvent>,
        continuation: AsyncStream<DiscoveryEvent>.Continuation
    ) {
        self.sockets = sockets
        self.state = state
        self.events = events
        self.continuation = continuation
        refresh = NIOLockedValueBox(nil)
    }

    /// Starts browsing for `game` (empty: any game), judging compatibility against this
    /// program's protocol version and message registry.
    public static func start(
        game: String, protocolVersion: UInt32, fingerprint: SchemaFingerprint,
        config: LANDiscoveryConfig = .lan
    ) async throws -> LANBrowser {
        let (events, continuation) = AsyncStream.makeStream(
            of: DiscoveryEvent.self, bufferingPolicy: .bufferingNewest(256))
        let state = NIOLockedValueBox(
            DiscoveryBrowser(
                gameFilter: game, protocolVersion: protocolVersion,
                schemaFingerprint: fingerprint.bytes, nonceSeed: UInt32.random(in: 0...UInt32.max)))
        let clock = MonotonicClock()
        let sockets = try await LANSockets.bind(config: config, clock: clock) { _, source, bytes in
            for event in state.withLockedValue({ $0.receive(bytes, from: source, now: clock.now) }) {
                continuation.yield(event)
            }
        }
        let browser = LANBrowser(sockets: sockets, state: state, events: events, continuation: continuation)
        let task = sockets.drivers[0].scheduleRepeating(every: config.refreshInterval) { now in
            let (query, lost) = state.withLockedValue { ($0.makeQuery(), $0.update(now: clock.now)) }
            for event in lost { continuation.yield(event) }
            sockets.send(query, config: config)
        }
        browser.refresh.withLockedValue { $0 = task }
        sockets.send(state.withLockedValue { $0.makeQuery() }, config: config)
        return browser
    }

    /// The games known now.
    public var games: [FoundGame] { state.withLockedValue { $0.currentGames } }

    /// Stops browsing and ends ``events``.
    public func stop() async {
        refresh.withLockedValue { $0?.cancel() }
        continuation.finish()
        await sockets.close()
    }
}

/// One-call discovery for games and tools.
public enum Discovery {
    /// The first compatible `game` found within `timeout`.
    /// - Throws: ``DiscoveryError/noGameFound(game:after:)`` when nothing answered, or
    ///   ``DiscoveryError/onlyIncompatibleGames(_:)`` when only other builds answered.
    public static func first(
        game: String, timeout: Duration = .seconds(1.5), protocolVersion: UInt32,
        fingerprint: SchemaFingerprint, config: LANDiscoveryConfig = .lan
    ) async throws -> FoundGame {
        let browser = try await LANBrowser.start(
            game: game, protocolVersion: protocolVersion, fingerprint: fingerprint, config: config)
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

    /// Every `game` (empty: any game) that answers: waits up to `timeout` for the first, then
    /// `settle` more for the others, so a player can choose instead of joining whichever
    /// answered first. Compatible games come first; empty when nothing answered.
    public static func games(
        game: String, timeout: Duration = .seconds(1.5), settle: Duration = .milliseconds(300),
        protocolVersion: UInt32, fingerprint: SchemaFingerprint, config: LANDiscoveryConfig = .lan
    ) async throws -> [FoundGame] {
        let browser = try await LANBrowser.start(
            game: game, protocolVersion: protocolVersion, fingerprint: fingerprint, config: config)
        let deadline = ContinuousClock.now + timeout
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in browser.events {
                    if case .found = event { break }
                }
            }
            group.addTask { try? await Task.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
        if !browser.games.isEmpty { try? await Task.sleep(for: settle) }
        let games = browser.games
        await browser.stop()
        return games.filter { $0.compatibility == .compatible } + games.filter { $0.compatibility != .compatible }
    }
}
