/// A state that can be drawn between two snapshots, extrapolated a little past the newest,
/// and compared to measure a prediction error.
///
/// ```swift
/// struct Unit: Codable, Sendable, Interpolatable {
///     @Quantized<ArenaCoordinate> var x: Float
///     @Quantized<ArenaCoordinate> var y: Float
///     var health: UInt8
///
///     func interpolated(to next: Unit, fraction: Double) -> Unit {
///         var result = next                      // discrete fields take the newer value
///         result.x = x + (next.x - x) * Float(fraction)
///         result.y = y + (next.y - y) * Float(fraction)
///         return result
///     }
///     func distance(to other: Unit) -> Double {
///         Double(((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot())
///     }
/// }
/// ```
public protocol Interpolatable {
    /// The state `fraction` of the way from `self` to `next`. Fractions above 1 extrapolate
    /// (a linear formula does the right thing); they never exceed the bound the caller sets.
    func interpolated(to next: Self, fraction: Double) -> Self

    /// How far apart two states are, in the game's units (used to size corrections).
    func distance(to other: Self) -> Double
}
