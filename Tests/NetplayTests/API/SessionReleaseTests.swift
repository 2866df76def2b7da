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

        func startHost(_ servicing: NetServicing) async throws -> NetHost {
            try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: options(servicing), advertise: nil)
        }

        func connect(to host: NetHost, _ servicing: NetServicing) async throws -> NetClient {
            try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: options(servicing))
        }

        @Test(
            "a closed host's session is freed, with a flush still queued for it",
            arguments: [NetServicing.gameThread, .networkThread])
        func closedHostIsFreed(servicing: NetServicing) async throws {
            weak var released: NetSession?
            do {
                let host = try await startHost(servicing)
                released = host.session
                await host.close()
                // Queued after the close: nothing will run it (the transport has retired).
                host.session.requestFlush()
            }
            #expect(released == nil)
        }

        /// The host on its network thread (its events wait in its queue; no loop of the test's
        /// own holds it), the client in either mode.
        @Test(
            "a host and a client closed after a message arrived are freed",
            arguments: [NetServicing.gameThread, .networkThread])
        func closedPairIsFreed(clientServicing: NetServicing) async throws {
            weak var hostSession: NetSession?
            weak var clientSession: NetSession?
            do {
                let host = try await startHost(.networkThread)
                let client = try await connect(to: host, clientServicing)
                hostSession = host.session
                clientSession = client.session
                try client.send(Chat(text: "hello"))
                client.flush()
                let arrived = await pollUntil(within: .seconds(10)) {
                    _ = client.poll()
                    return host.poll().contains { event in
                        guard case .message(let chat as Chat, _) = event else { return false }
                        return chat.text == "hello"
                    }
                }
                #expect(arrived)
                await client.close()
                await host.close()
            }
            #expect(hostSession == nil)
            #expect(clientSession == nil)
        }

        /// A session the host ended is finished, but only `close` closes its transport: a
        /// client dropped without it must still be freed (on the clients' shared thread it
        /// stayed a member, with its session and socket, for the life of the process).
        @Test(
            "a client the host ended, dropped without close, is freed",
            arguments: [NetServicing.gameThread, .networkThread])
        func droppedEndedClientIsFreed(clientServicing: NetServicing) async throws {
            weak var clientSession: NetSession?
            let host = try await startHost(.networkThread)
            do {
                let client = try await connect(to: host, clientServicing)
                clientSession = client.session
                await host.close()
                let ended = await pollUntil(within: .seconds(10)) {
                    _ = client.poll()
                    return client.session.finished.value != nil
                }
                #expect(ended)
            }
            // Its deinit closes it in a task of its own: bounded wait for that.
            #expect(await pollUntil(within: .seconds(10)) { clientSession == nil })
        }
    }
}
