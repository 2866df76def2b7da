import CSDL2
import SkirmishCore
import SkirmishNet

/// The window front end's life: start a session, open the window, run frames until the player
/// quits or the session ends, then close both.
enum GameLoop {
    /// Frames a second the loop aims for: twice the 30 Hz simulation, so a client's
    /// interpolated players and creeps move on every other frame as well as on ticks.
    static let framesPerSecond = 60
    /// How long the reason a session ended stays on screen before the window closes.
    static let endMessageDuration: Duration = .seconds(3)

    /// Starts a session with `start`, plays it in the window, and closes it.
    static func play(options: WindowOptions, start: (SessionSettings) async throws -> GameSession) async throws {
        print("Skirmish: looking for the game...")
        let session = try await start(options.settings)
        print(session.notice)
        let outcome: Result<String?, any Error>
        do {
            outcome = .success(try runFrames(session: session, options: options))
        } catch {
            outcome = .failure(error)
        }
        await session.close()
        if let message = try outcome.get() { print(message) }
    }

    /// The frame loop. Synchronous on purpose: SDL (and the GL context under its renderer)
    /// must stay on one thread from `SDL_Init` to `SDL_Quit`, and an `await` here could resume
    /// on another. The network runs on its own threads, so blocking this one costs nothing.
    /// - Returns: Why the session ended, if it did (rather than the player quitting).
    private static func runFrames(session: GameSession, options: WindowOptions) throws -> String? {
        let window = try GameWindow(title: "Skirmish")
        defer { window.close() }
        let renderer = FrameRenderer(canvas: window.canvas)
        let clock = ContinuousClock()
        let frame = Duration.seconds(1) / framesPerSecond
        let started = clock.now
        let screenshotAt = started + .milliseconds(Int(options.after * 1000))
        var nextFrame = started
        var endedAt: ContinuousClock.Instant?
        var lastView = session.update(input: .idle)
        while !window.quitRequested() {
            // Once the session has ended, its last frame stays up with the reason on it.
            if endedAt == nil {
                lastView = session.update(input: options.bot ? session.botInput() : KeyboardInput.current())
                if lastView.ended != nil { endedAt = clock.now }
            }
            if let endedAt, clock.now - endedAt > endMessageDuration { break }
            renderer.draw(lastView)
            if let path = options.screenshot, clock.now >= screenshotAt {
                try window.saveScreenshot(to: path)
                print("Saved the window to \(path).")
                return lastView.ended
            }
            window.present()
            nextFrame += frame
            let now = clock.now
            if nextFrame > now {
                SDL_Delay(UInt32((nextFrame - now) / .milliseconds(1)))
            } else {
                // A slow frame (a stall, a busy machine): start counting from now instead of
                // racing to catch up frames nobody will see.
                nextFrame = now
            }
        }
        return lastView.ended
    }
}
