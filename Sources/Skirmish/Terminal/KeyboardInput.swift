import SkirmishCore

/// A key the game understands.
enum GameKey: Equatable {
    case left, right, up, down, fire, quit
}

/// Turns terminal bytes into keys: arrows (`ESC [ A` and the application-mode `ESC O A`),
/// WASD, space, q and Ctrl-C (which arrives as a byte in raw mode).
enum KeyDecoder {
    private static let escape: UInt8 = 0x1B
    private static let controlC: UInt8 = 0x03

    static func keys(in bytes: [UInt8]) -> [GameKey] {
        var keys: [GameKey] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == escape, index + 2 < bytes.count,
                bytes[index + 1] == UInt8(ascii: "[") || bytes[index + 1] == UInt8(ascii: "O")
            {
                switch bytes[index + 2] {
                case UInt8(ascii: "A"): keys.append(.up)
                case UInt8(ascii: "B"): keys.append(.down)
                case UInt8(ascii: "C"): keys.append(.right)
                case UInt8(ascii: "D"): keys.append(.left)
                default: break
                }
                index += 3
                continue
            }
            switch byte {
            case UInt8(ascii: "w"), UInt8(ascii: "W"): keys.append(.up)
            case UInt8(ascii: "s"), UInt8(ascii: "S"): keys.append(.down)
            case UInt8(ascii: "a"), UInt8(ascii: "A"): keys.append(.left)
            case UInt8(ascii: "d"), UInt8(ascii: "D"): keys.append(.right)
            case UInt8(ascii: " "): keys.append(.fire)
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), controlC: keys.append(.quit)
            default: break
            }
            index += 1
        }
        return keys
    }
}

/// Which keys count as held. A terminal reports presses, never releases: a held key repeats
/// (after a delay of up to about half a second, then some 30 times a second). So a press holds
/// its direction long enough to bridge that first delay, and each repeat extends it a little.
struct HeldKeys {
    /// A first press holds this long: covers common key-repeat delays (250–500 ms), so a held
    /// key moves smoothly and a tap moves a short step.
    static let firstPressHold: Duration = .milliseconds(550)
    /// A repeat extends the hold this far: beyond a 30 Hz repeat interval with slack.
    static let repeatHold: Duration = .milliseconds(120)
    /// Fire is held only briefly, so a tap fires one shot (the cooldown is 200 ms).
    static let fireHold: Duration = .milliseconds(100)

    private var until: [GameKey: ContinuousClock.Instant] = [:]

    mutating func press(_ key: GameKey, at now: ContinuousClock.Instant) {
        let opposite: GameKey? =
            switch key {
            case .left: .right
            case .right: .left
            case .up: .down
            case .down: .up
            default: nil
            }
        if let opposite { until[opposite] = nil }
        let held = isHeld(key, at: now)
        let hold = key == .fire ? Self.fireHold : held ? Self.repeatHold : Self.firstPressHold
        until[key] = max(until[key] ?? now, now + hold)
    }

    func isHeld(_ key: GameKey, at now: ContinuousClock.Instant) -> Bool {
        until[key].map { $0 > now } ?? false
    }

    func input(at now: ContinuousClock.Instant) -> PlayerInput {
        let x: Int8 = isHeld(.right, at: now) ? 1 : isHeld(.left, at: now) ? -1 : 0
        let y: Int8 = isHeld(.down, at: now) ? 1 : isHeld(.up, at: now) ? -1 : 0
        return PlayerInput(moveX: x, moveY: y, shoot: isHeld(.fire, at: now))
    }
}
