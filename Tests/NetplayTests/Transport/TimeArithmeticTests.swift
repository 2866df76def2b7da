import Testing

@testable import NetplayBase

/// The core's clock arithmetic: instants are nanoseconds, durations the standard library's.
@Suite("Time arithmetic")
struct TimeArithmeticTests {
    @Test func durationsBecomeNanosecondsTruncatedTowardZeroAndSaturated() {
        #expect(Duration.milliseconds(3).nanosecondsClamped == 3_000_000)
        #expect(Duration.seconds(2.5).nanosecondsClamped == 2_500_000_000)
        #expect(Duration.nanoseconds(-1_500).nanosecondsClamped == -1_500)
        // Below a nanosecond: truncated toward zero on both sides.
        if #available(macOS 15, iOS 18, watchOS 11, tvOS 18, visionOS 2, *) {
            #expect(Duration(attoseconds: 1_999_999_999).nanosecondsClamped == 1)
            #expect(Duration(attoseconds: -1_999_999_999).nanosecondsClamped == -1)
            // Either side of 64-bit attoseconds (about 9.2 s), where the fast path ends.
            for attoseconds in [
                Int128(Int64.max), Int128(Int64.max) + 1, Int128(Int64.max) + 999_999_999,
                Int128(Int64.min), Int128(Int64.min) - 1, Int128(Int64.min) - 999_999_999,
            ] {
                #expect(
                    Duration(attoseconds: attoseconds).nanosecondsClamped
                        == Int64(attoseconds / 1_000_000_000))
            }
            #expect(Duration(attoseconds: Int128(Int64.max)).nanosecondsClamped == 9_223_372_036)
            #expect(Duration.seconds(10).nanosecondsClamped == 10_000_000_000)
            // The middle path (attoseconds shifted by 9 in 64 bits, about 78 minutes) against
            // the 128-bit division, on both of its edges and between, with odd remainders.
            let middleEnd = Int128(Int64.max) << 9
            var random = DeterministicRandom(seed: 41)
            var samples = [
                middleEnd - 1, middleEnd, middleEnd + 511, middleEnd + 512, Int128(30) * 1_000_000_000_000_000_000,
            ]
            // Negatives take the 128-bit division: a remainder under 2^9 would come out one
            // nanosecond off through the shift.
            let tenSeconds = Int128(10) * 1_000_000_000_000_000_000
            samples += [-tenSeconds + 1, -tenSeconds + 511, -tenSeconds - 1, -(middleEnd + 1)]
            for _ in 0..<2_000 {
                let magnitude = Int128(Int64.max) + Int128(random.next() % UInt64(Int64.max)) << (random.next() % 10)
                samples.append(random.next() % 4 == 0 ? -magnitude : magnitude)
            }
            for attoseconds in samples {
                #expect(
                    Duration(attoseconds: attoseconds).nanosecondsClamped == Int64(attoseconds / 1_000_000_000),
                    "\(attoseconds) attoseconds")
            }
            #expect(Duration.seconds(30).nanosecondsClamped == 30_000_000_000)
            #expect(Duration.seconds(4_000).nanosecondsClamped == 4_000_000_000_000)
            #expect(Duration.seconds(5_000).nanosecondsClamped == 5_000_000_000_000)
        }
        // Beyond Int64 nanoseconds (about 292 years): saturated, never trapped.
        #expect(Duration.seconds(Int64.max).nanosecondsClamped == .max)
        #expect(Duration.seconds(Int64.min).nanosecondsClamped == .min)
        #expect((NetInstant(nanoseconds: 10) + .microseconds(2)).nanoseconds == 2_010)
    }

    /// `isAtLeast(_:after:)` answers as `now - start >= duration` does, a nanosecond either
    /// side of the boundary, for durations in whole nanoseconds; one with a sub-nanosecond
    /// remainder is truncated first, as `start + duration` is.
    @Test func elapsedTimeIsComparedAsDurationsAre() {
        let start = NetInstant(nanoseconds: 1_000)
        let durations: [Duration] = [
            .zero, .nanoseconds(1), .milliseconds(250), .seconds(1), .seconds(30), .nanoseconds(-5),
        ]
        for duration in durations {
            let span = duration.nanosecondsClamped
            for offset: Int64 in [-1, 0, 1] {
                let now = NetInstant(nanoseconds: start.nanoseconds + span + offset)
                #expect(now.isAtLeast(duration, after: start) == (now - start >= duration), "\(duration) \(offset)")
            }
        }
        if #available(macOS 15, iOS 18, watchOS 11, tvOS 18, visionOS 2, *) {
            let oneAndAHalf = Duration(attoseconds: 1_500_000_000)
            #expect(NetInstant(nanoseconds: 1_001).isAtLeast(oneAndAHalf, after: start))
            #expect(!(NetInstant(nanoseconds: 1_001) - start >= oneAndAHalf))
            #expect((start + oneAndAHalf).nanoseconds == 1_001)
        }
        // A duration beyond 292 years saturates: never reached.
        #expect(!NetInstant(nanoseconds: .max / 2).isAtLeast(.seconds(Int64.max), after: start))
    }

    @Test func theEarliestDeadlineIsKeptAndNilMeansNone() {
        var deadline: NetInstant?
        deadline.keepEarliest(nil)
        #expect(deadline == nil)
        deadline.keepEarliest(NetInstant(nanoseconds: 50))
        deadline.keepEarliest(NetInstant(nanoseconds: 70))
        deadline.keepEarliest(nil)
        #expect(deadline == NetInstant(nanoseconds: 50))
        deadline.keepEarliest(NetInstant(nanoseconds: 20))
        #expect(deadline == NetInstant(nanoseconds: 20))
    }

    @Test func drainingIntoABufferTradesStorage() {
        var queue = [1, 2, 3]
        var buffer = [9]
        buffer.reserveCapacity(16)
        queue.takeAll(into: &buffer)
        #expect(buffer == [1, 2, 3])
        #expect(queue.isEmpty && queue.capacity >= 16)
        #expect(queue.takeAll() == [])
        queue = [4]
        #expect(queue.takeAll() == [4] && queue.isEmpty)
    }

    @Test func aLentBufferComesBackEmptyWithItsRoom() {
        var scratch: [Int] = []
        scratch.reserveCapacity(32)
        var lent = scratch.lend()
        #expect(scratch.isEmpty && scratch.capacity == 0)
        #expect(lent.capacity >= 32)
        lent.append(contentsOf: [1, 2, 3])
        // A nested use while it is out finds an empty buffer, not the one being used.
        #expect(scratch.lend().isEmpty)
        scratch.takeBack(&lent)
        #expect(scratch.isEmpty && scratch.capacity >= 32)
        #expect(lent.isEmpty)
    }
}
