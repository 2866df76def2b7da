import Testing

@testable import Netplay

extension APITests {
    /// Work queued for a session holds it until the work runs (`runSoon(for:_:)`), and the
    /// session holds its transport: closing must leave nothing that keeps a session alive.
    @Suite struct SessionRelease {
        func options(_ servicing: NetServicing) -> NetOptions {
            var options = NetOptions()
            options.servicing = servicing
            return options
        }

        @Test(
            "a closed host's session is freed, with a flush still queued for it",
            arguments: [NetServicing.gameThread, .networkThread])
        func closedHostIsFreed(servicing: NetServicing) async throws {
            weak var released: NetSession?
            do {
                let host = try await NetHost.start(
                    game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                    options: options(servicing), advertise: nil)
                released = host.session
                await host.close()
                // Queued after the close: nothing will run it (the transport has retired).
                host.session.requestFlush()
            }
            #expect(released == nil)
        }

        @Test(
            "a host and client closed after a message each way are freed",
            arguments: [NetServicing.gameThread, .networkThread])
        func closedPairIsFreed(servicing: NetServicing) async throws {
            weak var hostSession: NetSession?
            weak var clientSession: NetSession?
            do {
                let host = try await NetHost.start(
                    game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                    options: options(servicing), advertise: nil)
                let loop = servicing == .gameThread ? HostLoop(host) { _, _ in } : nil
                let client = try await NetClient.connect(
                    to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                    options: options(servicing))
                hostSession = host.session
                clientSession = client.session
                try client.send(Chat(text: "hello"))
                client.flush()
                loop?.stop()
                await client.close()
                await host.close()
            }
            #expect(hostSession == nil)
            #expect(clientSession == nil)
        }
    }
}
