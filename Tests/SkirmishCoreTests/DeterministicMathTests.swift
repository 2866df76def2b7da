import Foundation  // libm, only as the reference the deterministic series are checked against
import Testing

@testable import SkirmishCore

@Suite struct DeterministicMathTests {
    @Test func sinCosMatchLibm() {
        for step in -400...400 {
            let angle = Double(step) * 0.0173
            let (s, c) = DeterministicMath.sinCos(angle)
            #expect(abs(s - sin(angle)) < 1e-9 && abs(c - cos(angle)) < 1e-9, "at \(angle)")
        }
    }

    @Test func atan2MatchesLibm() {
        for y in stride(from: -5.0, through: 5.0, by: 0.37) {
            for x in stride(from: -5.0, through: 5.0, by: 0.41) {
                #expect(abs(DeterministicMath.atan2(y, x) - atan2(y, x)) < 1e-9, "at \(y), \(x)")
            }
        }
        #expect(DeterministicMath.atan2(0, 0) == 0)
    }
}
