/// A float format that keeps only what a game needs: a value in `lowerBound…upperBound`
/// rounded to a multiple of `step`, stored in the fewest bits that hold every step.
///
/// A position in 0..<2048 to 1/64 takes 17 bits instead of 32.
public struct QuantizedFloat: Sendable, Hashable, CustomStringConvertible {
    /// Smallest representable value.
    @usableFromInline package let lowerBound: Double
    /// Largest representable value (rounded down to a whole step).
    @usableFromInline package let upperBound: Double
    /// Distance between neighbouring representable values.
    @usableFromInline package let step: Double
    /// Index of the largest step.
    @usableFromInline let maxIndex: UInt64
    /// Bits on the wire.
    public let bitCount: Int

    /// Largest index a format may have, so indexes and their arithmetic stay exact in a Double.
    static let maxSupportedIndex: UInt64 = 1 << 52

    /// Creates a format. `step` must be positive and the range non-empty and at most 2^52 steps.
    public init(_ range: ClosedRange<Double>, step: Double) {
        precondition(step > 0 && step.isFinite, "quantization step must be positive")
        precondition(range.lowerBound.isFinite && range.upperBound.isFinite, "quantization range must be finite")
        let steps = ((range.upperBound - range.lowerBound) / step).rounded(.down)
        precondition(steps < Double(Self.maxSupportedIndex), "too many steps for a quantized float")
        lowerBound = range.lowerBound
        self.step = step
        maxIndex = UInt64(steps)
        upperBound = range.lowerBound + Double(maxIndex) * step
        bitCount = maxIndex == 0 ? 0 : UInt64.bitWidth - maxIndex.leadingZeroBitCount
    }

    /// Creates a format over a half-open range: `0..<2048` to 1/64 is 131,072 steps, 17 bits,
    /// one bit fewer than `0...2048`, whose top value needs a step of its own.
    public init(_ range: Range<Double>, step: Double) {
        precondition(
            step > 0 && step.isFinite && !range.isEmpty, "quantization needs a positive step and a non-empty range")
        let steps = ((range.upperBound - range.lowerBound) / step).rounded(.up) - 1
        self.init(range.lowerBound...(range.lowerBound + steps * step), step: step)
    }

    /// The step index for `value`, clamped to the range (NaN maps to the lower bound).
    @inlinable
    public func quantize(_ value: Float) -> UInt64 {
        let v = Double(value)
        guard v > lowerBound else { return 0 }
        guard v < upperBound else { return maxIndex }
        return Swift.min(WholeRounding.nearest((v - lowerBound) / step), maxIndex)
    }

    /// The value for a step index; the caller has checked `index <= maxIndex`.
    @inlinable
    public func value(at index: UInt64) -> Float {
        Float(lowerBound + Double(index) * step)
    }

    public var description: String { "\(lowerBound)...\(upperBound) step \(step) (\(bitCount) bits)" }
}

/// Angles quantized over a full turn: `bits` bits divide 2π into 2^bits equal steps.
@usableFromInline package enum AngleQuantization {
    /// Most bits an angle may use.
    @usableFromInline static let maxBits = 32

    /// The step index of `radians` (any value; wrapped into one turn; NaN and ±inf map to 0).
    @inlinable
    package static func quantize(_ radians: Float, bits: Int) -> UInt64 {
        precondition(bits > 0 && bits <= maxBits, "angle bits must be in 1...\(maxBits)")
        guard radians.isFinite else { return 0 }
        let turns = Double(radians) / (2 * Double.pi)
        let fraction = WholeRounding.fraction(turns)
        let steps = Double(UInt64(1) << UInt64(bits))
        return WholeRounding.nearest(fraction * steps) & ((1 << UInt64(bits)) - 1)
    }

    /// The angle for a step index, in −π..<π radians.
    @inlinable
    package static func angle(_ index: UInt64, bits: Int) -> Float {
        let steps = Double(UInt64(1) << UInt64(bits))
        var radians = Double(index) / steps * 2 * Double.pi
        if radians >= Double.pi { radians -= 2 * Double.pi }
        // Float(Double.pi) rounds above Float.pi; clamp so the promise −π..<π holds in Float.
        return Swift.min(Swift.max(Float(radians), -Float.pi), Float.pi.nextDown)
    }
}

/// `rounded()` and `rounded(.down)` for the quantizers, bit for bit, without a call into libm:
/// the default x86-64 target has no rounding instruction (SSE4.1's `roundsd`), so Swift calls
/// `round` and `floor` for them: a call per quantized field on the hottest path.
@usableFromInline enum WholeRounding {
    /// Largest magnitude below which a `Double` may have a fractional part (2^52).
    @usableFromInline static var firstWholeOnlyMagnitude: Double { 4_503_599_627_370_496 }

    /// `UInt64(x.rounded())` (half away from zero) for 0 ≤ `x` < 2^63. Conversion truncates,
    /// which for `x ≥ 0` is the floor, and `x - floor` is exact (Sterbenz), so the comparison
    /// with one half decides the rounding exactly as `round` does.
    @inlinable
    static func nearest(_ x: Double) -> UInt64 {
        let whole = UInt64(x)
        return x - Double(whole) >= 0.5 ? whole &+ 1 : whole
    }

    /// `x - x.rounded(.down)` for finite `x`, computed from the same floor, so the result is
    /// the same `Double` (including its rounding to 1 for tiny negative `x`).
    @inlinable
    static func fraction(_ x: Double) -> Double {
        guard x.magnitude < firstWholeOnlyMagnitude else { return 0 }
        let truncated = Double(Int64(x))
        return x - (truncated > x ? truncated - 1 : truncated)
    }
}
