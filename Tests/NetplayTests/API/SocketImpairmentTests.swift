import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayLinkConditioner
@testable import NetplayTesting

extension APITests {
    /// `simulateConditions(_:on:)` on real sockets on 127.0.0.1: the network thread holds a
    /// delayed datagram back until its time (a lower bound no machine can beat), drops what the
    /// conditioner loses, and a cleared impairment lets the resends through.
    @Suite struct SocketImpairment {
        static let patience = Duration.seconds(10)
        static let pollInterval = Duration.milliseconds(2)

        var options: NetOptions { .loopbackTest() }

        func eventually(_ condition: () -> Bool) async -> Bool {
            await pollUntil(within: Self.patience, every: Self.pollInterval, condition)
        }

        @Test func delayedAndLostDatagramsOnARealSocket() async throws {
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: options, advertise: nil)
            let hostLog = EventLog(host.poll)
            let client = try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: options)
            let clientLog = EventLog(client.poll)
            let peer = try #require(client.localPeer)
            #expect(await eventually { hostLog.contains(.connected(peer)) })

            // Inbound latency on the host: the chat cannot arrive sooner than 80 ms after it left.
            host.simulateConditions(LinkImpairment(latency: .milliseconds(80)), on: .inbound)
            let sentAt = ContinuousClock.now
            try client.send(Chat(text: "slow"))
            #expect(await eventually { hostLog.contains(.chat("slow", from: peer)) })
            #expect(ContinuousClock.now - sentAt >= .milliseconds(80))

            // Everything the host sends is lost: its reply waits in its channel...
            host.simulateConditions(nil, on: .inbound)
            host.simulateConditions(LinkImpairment(lossProbability: 1), on: .outbound)
            try host.send(Chat(text: "held"), to: .peer(peer))
            try await Task.sleep(for: .milliseconds(150))
            #expect(!clientLog.contains(.chat("held", from: .host)))
            // ...until the link is clean again, and a resend brings it.
            host.simulateConditions(nil, on: .outbound)
            #expect(await eventually { clientLog.contains(.chat("held", from: .host)) })

            await client.close()
            await host.close()
        }
    }
}
