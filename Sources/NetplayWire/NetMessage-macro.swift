/// Writes a struct's or an enum's bit-level coder: `encode(to:)` and `init(from:)` on
/// ``BitWriter`` and ``BitReader``, from its stored properties (or cases), and conforms it to
/// ``NetMessage`` — and a struct to ``WireFieldCoding``, for replicated state.
///
/// ```swift
/// @NetMessage
/// struct Move {
///     var id: UInt16
///     @Quantized<ArenaCoordinate> var x: Float
///     @Quantized<ArenaCoordinate> var y: Float
///     @QuantizedAngle var facing: Float
/// }
/// ```
/// The generated coder writes exactly the bytes the `Codable` path writes, and the schema
/// fingerprint is the same, so either side of a connection may use either; it is only much
/// faster (no `Codable` containers, no dynamic casts). It handles every integer width, `Bool`,
/// `Float`, `Double`, `String`, optionals, arrays (`[UInt8]` included), sets, dictionaries,
/// nested types (with their own `@NetMessage` coder, or their `Codable` one), enums with and
/// without payloads or raw values, `@Quantized`, `@QuantizedAngle` and any other `Codable`
/// property wrapper. What it cannot code — a tuple, a closure, an `any` type, a property
/// without a written type, a hand-written `CodingKeys` — is a compile-time error naming the
/// property and the fix.
@attached(
    extension, conformances: NetMessage, WireFieldCoding,
    names: named(encode), named(init), named(wireFieldCount)
)
public macro NetMessage() = #externalMacro(module: "NetplayMacros", type: "NetMessageMacro")
