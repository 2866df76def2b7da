import Netplay
import SkirmishNet

/// The game in the terminal: keys in, a frame out, 30 times a second, until q, a signal, the
/// duration, or the end of the session. The terminal is restored however the loop ends.
struct TerminalLoop {
    let session: GameSession
    let bot: Bool
    let deadline: ContinuousClock.Instant?
    let stop: StopFlag

    /// How long the reason a game ended stays on screen before the terminal is handed back.
    static let endMessageHold: Duration = .seconds(2)

    func run() async throws -> LoopOutcome {
        let screen = try TerminalScreen()
        defer { screen.leave() }
        let frame = Duration.seconds(1) / GameRunner.framesPerSecond
        var keys = HeldKeys()
        var next = ContinuousClock.now
        var endedAt: (reason: String, at: ContinuousClock.Instant)?
        while !stop.requested {
            let now = ContinuousClock.now
            for key in KeyDecoder.keys(in: screen.readInput()) {
                if key == .quit { return .quit }
                keys.press(key, at: now)
            }
            let view = session.update(input: bot ? session.botInput() : keys.input(at: now))
            let size = screen.size
            screen.draw(ArenaRenderer.render(view, size: size), size: size)
            if let ended = view.ended {
                let since = endedAt ?? (ended, now)
                endedAt = since
                if now - since.at >= Self.endMessageHold { return .ended(since.reason) }
            }
            if let deadline, now >= deadline { return .timeUp }
            next += frame
            if next < ContinuousClock.now { next = ContinuousClock.now }
            try? await Task.sleep(until: next)
        }
        return .quit
    }
}
