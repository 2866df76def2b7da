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
        }
        // Beyond Int64 nanoseconds (about 292 years): saturated, never trapped.
        #expect(Duration.seconds(Int64.max).nanosecondsClamped == .max)
        #expect(Duration.seconds(Int64.min).nanosecondsClamped == .min)
        #expect((NetInstant(nanoseconds: 10) + .microseconds(2)).nanoseconds == 2_010)
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
