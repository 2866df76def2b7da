import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

extension APITests {
    /// The game identity values docs/PROTOCOL.md §2 documents.
    @Suite struct GameIdentity {
        @Test func protocolIDIsFNV1a32OfTheGameName() {
            // Published FNV-1a 32-bit test vectors.
            #expect(NetOptions.protocolID(game: "") == 0x811C_9DC5)
            #expect(NetOptions.protocolID(game: "a") == 0xE40C_292C)
            #expect(NetOptions.protocolID(game: "foobar") == 0xBF9C_F968)
        }

        @Test func handshakeCarriesTheRegistrysFingerprintAndSchemaText() {
            let registry = MessageRegistry(APISetup.messages)
            let config = NetOptions().protocolConfig(game: "g", joinCode: "code", registry: registry)
            #expect(config.schema.fingerprint == registry.fingerprint.bytes)
            #expect(config.schema.description == registry.schema.description)
            #expect(config.schema.description.contains("Step.x: Float"))
            #expect(config.joinCode == "code")
        }
    }
}
