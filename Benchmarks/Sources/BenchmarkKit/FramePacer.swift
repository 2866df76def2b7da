#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Paces a loop at a fixed frame rate the way a game loop does: sleep until the next frame's
/// start, never accumulate lag (a late frame starts the next one at once, then re-aligns).
public struct FramePacer {
    private let frameNanoseconds: UInt64
    private var nextFrame: UInt64
    /// Frames started so far.
    public private(set) var frameIndex = 0

    public init(hertz: Double) {
        frameNanoseconds = UInt64(Double(Stopwatch.nanosecondsPerSecond) / hertz)
        nextFrame = Stopwatch.nanoseconds()
    }

    /// Sleeps until the next frame is due, then counts it.
    public mutating func waitForNextFrame() {
        let now = Stopwatch.nanoseconds()
        Stopwatch.sleep(until: nextFrame)
        nextFrame = max(nextFrame + frameNanoseconds, now)
        frameIndex += 1
    }

    /// Whether this frame is one of every `divisor` frames (a 30 Hz event in a 60 Hz loop).
    public func isEvery(_ divisor: Int) -> Bool { frameIndex % max(divisor, 1) == 0 }
}
