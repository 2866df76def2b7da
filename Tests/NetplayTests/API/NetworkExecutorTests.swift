import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayDrivers

extension APITests {
    /// `NetHost.executor` and `NetClient.executor`: async code that prefers them runs on the
    /// session's network thread, and still finishes when that thread goes away under it.
    /// Real sockets on 127.0.0.1; every wait is bounded by a watchdog that closes both ends,
    /// which ends their event sequences.
    @Suite struct NetworkExecutor {
        static let patience = Duration.seconds(10)
        static let exchanges = 5

        func start(servicing: NetServicing = .networkThread) async throws -> NetHost {
            try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: .loopbackTest(servicing), advertise: nil)
        }

        func connect(to host: NetHost) async throws -> NetClient {
            try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: .loopbackTest())
        }

        /// The transport whose network thread serves a session.
        static func loop(of session: NetSession) throws -> SocketTransport {
            let transport = try #require(session.attachedTransport as? SocketTransport)
            #expect(transport.wake != nil, "the session has a network thread")
            return transport
        }

        /// Closes both ends after ``patience``, unless cancelled first.
        static func watchdog(_ host: NetHost, _ client: NetClient) -> Task<Void, Never> {
            Task {
                guard (try? await Task.sleep(for: patience)) != nil else { return }
                await client.close()
                await host.close()
            }
        }

        @Test func eventsAndRepliesRunOnTheNetworkThreads() async throws {
            let host = try await start()
            let client = try await connect(to: host)
            let watchdog = Self.watchdog(host, client)
            let hostLoop = try Self.loop(of: host.session)
            let clientLoop = try Self.loop(of: client.session)
            #expect(host.executor != nil && client.executor != nil)

            // The host echoes every chat, noting whether each event reached it on its loop.
            let echo = Task(executorPreference: host.executor) { () -> (echoed: Int, onLoop: Bool) in
                var echoed = 0
                var onLoop = true
                for await event in host.events {
                    onLoop = onLoop && hostLoop.isOnNetworkThread
                    guard case .message(let chat as Chat, let peer) = event else { continue }
                    try? host.send(Chat(text: "re: \(chat.text)"), to: .peer(peer))
                    echoed += 1
                    if echoed == Self.exchanges { break }
                }
                return (echoed, onLoop)
            }
            let (replies, clientOnLoop) = await withTaskExecutorPreference(client.executor) {
                var replies: [String] = []
                var onLoop = clientLoop.isOnNetworkThread
                var events = client.events.makeAsyncIterator()
                for index in 0..<Self.exchanges {
                    try? client.send(Chat(text: "\(index)"))
                    while let event = await events.next() {
                        onLoop = onLoop && clientLoop.isOnNetworkThread
                        guard case .message(let chat as Chat, _) = event else { continue }
                        replies.append(chat.text)
                        break
                    }
                }
                return (replies, onLoop)
            }
            let (echoed, hostOnLoop) = try #require(await boundedValue(of: echo, within: Self.patience))
            #expect(replies == (0..<Self.exchanges).map { "re: \($0)" })
            #expect(echoed == Self.exchanges)
            #expect(hostOnLoop && clientOnLoop)
            // Without the preference, the same code runs on Swift's pool, not the loop.
            let offLoop = await Task { hostLoop.isOnNetworkThread }.value
            #expect(!offLoop)

            watchdog.cancel()
            await client.close()
            await host.close()
        }

        /// Closing a host stops its network thread; the task that closed it from that thread
        /// goes on (on Swift's pool) instead of waiting forever for a thread that is gone.
        @Test func codeOnTheHostsThreadMayCloseIt() async throws {
            let host = try await start()
            let client = try await connect(to: host)
            let watchdog = Self.watchdog(host, client)
            let hostLoop = try Self.loop(of: host.session)
            let closer = Task(executorPreference: host.executor) { () -> (onLoopBefore: Bool, closed: Bool) in
                for await event in host.events {
                    guard case .message(let chat as Chat, _) = event, chat.text == "close" else { continue }
                    let onLoop = hostLoop.isOnNetworkThread
                    await host.close()
                    return (onLoop, host.peers.isEmpty)
                }
                return (false, false)
            }
            try client.send(Chat(text: "close"))
            // The real check is that this wait ends: with the loop gone and the executor not
            // retired, the task stays suspended and this is nil after `patience`.
            let (onLoopBefore, closed) = try #require(await boundedValue(of: closer, within: Self.patience))
            #expect(onLoopBefore, "the task ran on the host's thread until it closed it")
            #expect(closed)
            // The client hears the host leave.
            var clientEvents = client.events.makeAsyncIterator()
            var reason: DisconnectReason?
            while let event = await clientEvents.next() {
                if case .disconnected(.host, let why) = event {
                    reason = why
                    break
                }
            }
            #expect(reason == .hostShutDown)
            watchdog.cancel()
            await client.close()
        }

        @Test func gameThreadServicingHasNoExecutor() async throws {
            let host = try await start(servicing: .gameThread)
            #expect(host.executor == nil)
            await host.close()
        }
    }
}
