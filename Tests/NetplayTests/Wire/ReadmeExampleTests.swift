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

private enum Readme {
    enum Arena: QuantizationFormat {
        static let format = QuantizedFloat(0..<2048, step: 1.0 / 64)
    }

    struct Move: NetMessage {
        var id: UInt16
        @Quantized<Arena> var x: Float
        @Quantized<Arena> var y: Float
        @QuantizedAngle var facing: Float
    }
}

/// The README's example, kept compiling and true.
@Test func readmeMessageExampleIsEightBytesAndRoundTrips() throws {
    let registry = MessageRegistry([Readme.Move.self])
    let bytes = try registry.encode(Readme.Move(id: 7, x: 100.5, y: 64, facing: 1.2))
    #expect(bytes.count == 8)  // message id byte + 7 + 17 + 17 + 8 bits
    let message = try #require(try registry.decode(bytes) as? Readme.Move)
    #expect(message.id == 7 && message.x == 100.5 && message.y == 64)
    #expect(abs(message.facing - 1.2) < 0.0123)
}
