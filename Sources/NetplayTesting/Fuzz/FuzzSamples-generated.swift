import NetplayWire

extension FuzzSamples {
    /// The same messages with coders written by `@NetMessage`: same names, fields and order,
    /// so the same ids and the same bytes. Every hostile buffer goes through both decoders,
    /// which must agree on what is valid.
    package enum Generated {
        @NetMessage
        package struct Point {
            var x: Float
            var y: Float
        }

        @NetMessage
        package enum Event {
            case fired(origin: Point, velocity: Point, tick: UInt32)
            case joined(name: String)
            case left
            indirect case pair(Event, Event)
        }

        @NetMessage
        package struct Kitchen {
            var flag: Bool
            var small: Int8
            var big: UInt64
            var signed: Int64
            var ratio: Double
            var name: String
            var blob: [UInt8]
            var maybe: Point?
            var path: [[Point]]
            var scores: [String: Int32]
            var tags: Set<UInt16>
            var events: [Event]
            @Quantized<Coordinate> var x: Float = 0
            @QuantizedAngle var facing: Float = 0
        }

        @NetMessage
        package struct Move {
            var id: UInt16
            @Quantized<Coordinate> var x: Float
            @Quantized<Coordinate> var y: Float
            @QuantizedAngle var facing: Float
        }

        /// Registered in the order of ``FuzzSamples/registry``, so a buffer means the same
        /// message to both.
        package static let registry = MessageRegistry([Kitchen.self, Move.self])
    }
}
