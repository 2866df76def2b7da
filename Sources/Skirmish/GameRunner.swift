import ArgumentParser
import Foundation
import Netplay
import SkirmishNet

/// Starts a session the way a command asks, runs it headless or in the terminal until it
/// ends, then writes the report and says why it ended.
///
/// Exit status: 0 when the player (or `--duration`) ended it, 1 when it could not start,
/// 2 when there is no terminal to play in, 3 when the game ended by a disconnect.
struct GameRunner {
    let options: GameOptions

    /// Frames per second: one per simulation tick (``SkirmishCore/SkirmishRules/ticksPerSecond``).
    static let framesPerSecond = 30
    static let exitNoTerminal: Int32 = 2
    static let exitDisconnected: Int32 = 3

    func run(_ start: (SessionSettings) async throws -> GameSession) async throws {
        if !options.headless, !TerminalScreen.isInteractive {
            FileHandle.standardError.write(
                Data(
                    """
                    skirmish is a terminal game, but this is not a terminal (input or output is a pipe or a file).
                    Run it in a terminal window, or use --headless --bot for a game without a screen.

                    """.utf8))
            throw ExitCode(Self.exitNoTerminal)
        }
        let session: GameSession
        do {
            session = try await start(options.settings)
        } catch {
            FileHandle.standardError.write(Data("skirmish: \(error)\n".utf8))
            throw ExitCode.failure
        }
        // From here on Ctrl-C and SIGTERM stop the game cleanly (a host says goodbye, the
        // terminal is restored); while connecting, their default (end at once) is right.
        let stop = StopSignal.install()
        let deadline = options.duration.map { ContinuousClock.now + .seconds($0) }
        let outcome: LoopOutcome
        if options.headless {
            say(session.notice)
            outcome = await HeadlessLoop(session: session, bot: options.bot, deadline: deadline, stop: stop).run()
        } else {
            do {
                outcome = try await TerminalLoop(session: session, bot: options.bot, deadline: deadline, stop: stop)
                    .run()
            } catch {
                await session.close()
                FileHandle.standardError.write(Data("skirmish: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
        var report = session.report
        await session.close()
        if case .ended(let reason) = outcome {
            report.endReason = reason
            report.disconnected = true
        }
        if let path = options.report { try write(report, to: path) }
        say(outcome.message)
        if case .ended = outcome { throw ExitCode(Self.exitDisconnected) }
    }

    /// Prints a line and flushes at once: a script or test reading the pipe waits for it
    /// (`print` would hold it in a buffer until exit).
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func write(_ report: SessionReport, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: URL(fileURLWithPath: path))
    }
}

/// Why a game loop stopped.
enum LoopOutcome {
    /// The player quit (q, Ctrl-C, a signal).
    case quit
    /// `--duration` ran out.
    case timeUp
    /// The session ended under us (the host left, the connection died); the reason says how.
    case ended(String)

    var message: String {
        switch self {
        case .quit: "Thanks for playing Skirmish."
        case .timeUp: "Time is up: thanks for playing Skirmish."
        case .ended(let reason): reason
        }
    }
}

/// The game without a screen: the bot (or nobody) plays at 30 frames a second.
struct HeadlessLoop {
    let session: GameSession
    let bot: Bool
    let deadline: ContinuousClock.Instant?
    let stop: StopFlag

    /// A host whose time is up keeps the game going this long while players are still in it,
    /// so bots that joined a little later finish their own runs instead of seeing the host leave.
    static let hostLinger: Duration = .seconds(5)

    func run() async -> LoopOutcome {
        let frame = Duration.seconds(1) / GameRunner.framesPerSecond
        var next = ContinuousClock.now
        var notice: String??
        var wave = 0
        while !stop.requested {
            let view = session.update(input: bot ? session.botInput() : .idle)
            if let ended = view.ended { return .ended(ended) }
            // What the terminal's status line would show: scripts and tests follow the game by it.
            if view.wave != wave {
                wave = view.wave
                if wave > 0 { FileHandle.standardOutput.write(Data("Wave \(wave) under way.\n".utf8)) }
            }
            // What the terminal would show in its notice line (a player joined, reconnecting…),
            // a line each time it changes; the first frame's repeats what was said at the start.
            if let shown = notice, view.notice != shown, let line = view.notice {
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
            notice = .some(view.notice)
            if let deadline, ContinuousClock.now >= deadline {
                let lingering =
                    session.isHost && view.network.players > 1 && ContinuousClock.now < deadline + Self.hostLinger
                if !lingering { return .timeUp }
            }
            next += frame
            if next < ContinuousClock.now { next = ContinuousClock.now }
            try? await Task.sleep(until: next)
        }
        return .quit
    }
}
