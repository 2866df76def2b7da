import ArgumentParser
import CSDL2
import Foundation
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

    /// Exit status when the session ended under the player (the host left, the connection
    /// died), as the terminal `skirmish` reports it; starting failures exit 1.
    static let exitDisconnected: Int32 = 3

    /// Starts a session with `start`, plays it in the window, and closes it.
    static func play(options: WindowOptions, start: (SessionSettings) async throws -> GameSession) async throws {
        say("Skirmish: starting...")
        // The window first: without a display there is nothing to play in, so the game must
        // not host (and tell others to join) before finding that out.
        let window: GameWindow
        let session: GameSession
        do {
            window = try GameWindow(title: "Skirmish")
        } catch {
            FileHandle.standardError.write(Data("skirmish-sdl: \(error)\n".utf8))
            throw ExitCode.failure
        }
        do {
            session = try await start(options.settings)
        } catch {
            window.close()
            FileHandle.standardError.write(Data("skirmish-sdl: \(error)\n".utf8))
            throw ExitCode.failure
        }
        say(session.notice)
        window.place(asHost: session.isHost)
        let outcome: Result<String?, any Error>
        do {
            outcome = .success(try runFrames(session: session, window: window, options: options))
        } catch {
            outcome = .failure(error)
        }
        window.close()
        await session.close()
        switch outcome {
        case .success(nil):
            break
        case .success(let reason?):
            say(reason)
            throw ExitCode(exitDisconnected)
        case .failure(let error):
            FileHandle.standardError.write(Data("skirmish-sdl: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Prints a line and flushes at once, so a script reading the pipe (the host's join string)
    /// sees it while the game runs.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// The frame loop. Synchronous on purpose: SDL (and the GL context under its renderer)
    /// must stay on one thread while it draws, and an `await` here could resume on another. The network runs on its own (NIO) threads, so blocking this one stalls nothing.
    /// - Returns: Why the session ended, if it did (rather than the player quitting).
    private static func runFrames(session: GameSession, window: GameWindow, options: WindowOptions) throws -> String? {
        let renderer = FrameRenderer(canvas: window.canvas)
        let clock = ContinuousClock()
        let frame = Duration.seconds(1) / framesPerSecond
        let started = clock.now
        let screenshotAt = started + .seconds(options.after)
        var nextFrame = started
        var endedAt: ContinuousClock.Instant?
        var lastView: FrameView?
        while !window.quitRequested() {
            // Once the session has ended, its last frame stays up with the reason on it.
            if endedAt == nil {
                let view = session.update(input: options.bot ? session.botInput() : KeyboardInput.current())
                if view.ended != nil { endedAt = clock.now }
                lastView = view
            }
            guard let view = lastView else { continue }
            if let endedAt, clock.now - endedAt > endMessageDuration { break }
            renderer.draw(view)
            if let path = options.screenshot, clock.now >= screenshotAt, view.creeps.count >= options.minCreeps {
                try window.saveScreenshot(to: path)
                say("Saved the window to \(path).")
                return view.ended
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
        return lastView?.ended
    }
}
