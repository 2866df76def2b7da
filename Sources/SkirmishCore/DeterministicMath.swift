/// Sine, cosine and arctangent from `+ − × ÷` alone.
///
/// libm's `sin`, `cos` and `atan2` may differ in the last bit between platforms and library
/// versions, which would let two peers' simulations drift apart. IEEE 754 guarantees the basic
/// operations (and `squareRoot`) bit for bit, so these series give every peer the same answer.
/// They are accurate to about 1e-10, far finer than the 12-bit angles that cross the wire.
enum DeterministicMath {
    static let halfPi = Double.pi / 2
    static let quarterPi = Double.pi / 4
    /// tan(π/8): above it, atan is computed around 1 where the series converges quickly again.
    static let tanEighthPi = 0.414_213_562_373_095_1

    /// Sine and cosine of `radians` (0 and 1 for non-finite or absurdly large input).
    static func sinCos(_ radians: Double) -> (sin: Double, cos: Double) {
        // Beyond ±2^30 turns the reduction itself loses every digit; no game angle gets there.
        guard radians.isFinite, abs(radians) < 1e9 else { return (0, 1) }
        let quadrants = (radians / halfPi).rounded()
        let r = radians - quadrants * halfPi  // in −π/4…π/4
        let r2 = r * r
        // Taylor series to r^11 and r^12: the first omitted term is below 7e-12 for |r| ≤ π/4.
        let s = r * (1 - r2 / 6 * (1 - r2 / 20 * (1 - r2 / 42 * (1 - r2 / 72 * (1 - r2 / 110)))))
        let c = 1 - r2 / 2 * (1 - r2 / 12 * (1 - r2 / 30 * (1 - r2 / 56 * (1 - r2 / 90 * (1 - r2 / 132)))))
        switch Int(quadrants) & 3 {
        case 0: return (s, c)
        case 1: return (c, -s)
        case 2: return (-s, -c)
        default: return (-c, s)
        }
    }

    /// The angle of the vector (`x`, `y`) in −π…π, 0 for the zero vector.
    static func atan2(_ y: Double, _ x: Double) -> Double {
        guard x.isFinite, y.isFinite, x != 0 || y != 0 else { return 0 }
        let ax = abs(x)
        let ay = abs(y)
        let steep = ay > ax
        var angle = atanUnit(steep ? ax / ay : ay / ax)
        if steep { angle = halfPi - angle }
        if x < 0 { angle = Double.pi - angle }
        return y < 0 ? -angle : angle
    }

    /// atan(z) for z in 0…1.
    private static func atanUnit(_ z: Double) -> Double {
        // atan z = π/4 + atan((z−1)/(z+1)) brings the argument within ±tan(π/8).
        z > tanEighthPi ? quarterPi + atanSmall((z - 1) / (z + 1)) : atanSmall(z)
    }

    /// atan(t) for |t| ≤ tan(π/8), by its series to t^21 (next term below 1e-10).
    private static func atanSmall(_ t: Double) -> Double {
        let t2 = t * t
        var sum = 0.0
        var power = t
        for n in 0...10 {
            let term = power / Double(2 * n + 1)
            sum += n.isMultiple(of: 2) ? term : -term
            power *= t2
        }
        return sum
    }
}
