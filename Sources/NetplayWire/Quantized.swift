/// Declares the range and precision of a ``Quantized`` float, as a type so that decoding
/// (which starts from nothing but the type) knows the format too.
///
/// ```swift
/// enum ArenaCoordinate: QuantizationFormat {
///     static let format = QuantizedFloat(0..<2048, step: 1.0 / 64)   // 17 bits
/// }
/// ```
public protocol QuantizationFormat: Sendable {
    /// The range and step every value of this kind is rounded to.
    static var format: QuantizedFloat { get }
}

/// A `Float` property sent in the fewest bits its declared range and step allow.
///
/// ```swift
/// struct Move: NetMessage {
///     var id: UInt16
///     @Quantized<ArenaCoordinate> var x: Float
///     @Quantized<ArenaCoordinate> var y: Float
///     @QuantizedAngle var facing: Float
/// }
/// ```
/// With other coders (JSON, property lists) the value is written as a plain float.
@propertyWrapper
public struct Quantized<Format: QuantizationFormat>: Codable, Hashable, Sendable {
    /// The value, as the program sees it (not rounded until it crosses the wire).
    public var wrappedValue: Float

    /// Wraps a value.
    public init(wrappedValue: Float) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: any Encoder) throws {
        if let binary = encoder as? BinaryWireEncoder {
            binary.writer.writeQuantized(wrappedValue, Format.format)
        } else {
            var container = encoder.singleValueContainer()
            try container.encode(wrappedValue)
        }
    }

    public init(from decoder: any Decoder) throws {
        if let binary = decoder as? BinaryWireDecoder {
            wrappedValue = try binary.reader.readQuantized(Format.format, "\(Format.self)")
        } else {
            wrappedValue = try decoder.singleValueContainer().decode(Float.self)
        }
    }
}

/// How many bits a ``QuantizedAngle`` uses for a full turn.
public protocol AnglePrecision: Sendable {
    /// Bits per full turn (1…32): 8 bits is 1.4°, 10 bits is 0.35°, 12 bits is 0.09°.
    static var bits: Int { get }
}

/// 8 bits per turn (about 1.4°): what Quake sent for entity angles, and plenty for a 2D sprite.
public enum ByteAngle: AnglePrecision {
    public static let bits = 8
}

/// 12 bits per turn (about 0.09°): for aiming that must survive the trip exactly enough.
public enum FineAngle: AnglePrecision {
    public static let bits = 12
}

/// An angle in radians sent as a fraction of a full turn in 8 bits (1.4°); read back in
/// −π..<π. Use ``QuantizedAngleWith`` for another precision, e.g. `QuantizedAngleWith<FineAngle>`.
public typealias QuantizedAngle = QuantizedAngleWith<ByteAngle>

/// An angle in radians sent as a fraction of a full turn in `Precision.bits` bits; read back
/// in −π..<π.
@propertyWrapper
public struct QuantizedAngleWith<Precision: AnglePrecision>: Codable, Hashable, Sendable {
    /// The angle in radians.
    public var wrappedValue: Float

    /// Wraps a value.
    public init(wrappedValue: Float) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: any Encoder) throws {
        if let binary = encoder as? BinaryWireEncoder {
            binary.writer.writeAngle(wrappedValue, bits: Precision.bits)
        } else {
            var container = encoder.singleValueContainer()
            try container.encode(wrappedValue)
        }
    }

    public init(from decoder: any Decoder) throws {
        if let binary = decoder as? BinaryWireDecoder {
            wrappedValue = try binary.reader.readAngle(bits: Precision.bits, "angle")
        } else {
            wrappedValue = try decoder.singleValueContainer().decode(Float.self)
        }
    }
}

extension Quantized: SchemaDescribing {
    package static var schemaDescription: String { "Float quantized \(Format.format)" }
}

extension QuantizedAngleWith: SchemaDescribing {
    package static var schemaDescription: String { "Float angle \(Precision.bits) bits" }
}
