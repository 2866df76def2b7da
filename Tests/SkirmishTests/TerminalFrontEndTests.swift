import Foundation
import Testing

/// Drives the terminal front end in tmux: the arena is drawn, an arrow key moves the player,
/// q quits and the terminal is restored (alternate screen left, cursor shown).
@Suite("Terminal front end in tmux")
struct TerminalFrontEndTests {
    static let tmux = ProcessRunner.which("tmux")

    /// A tmux server of the test's own (`-L`), so the user's tmux sessions are never touched.
    struct Tmux {
        let path: String
        let server = "skirmish-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

        @discardableResult
        func callAsFunction(_ arguments: String...) throws -> String {
            try ProcessRunner.run(path, ["-L", server] + arguments).output
        }

        func screen() throws -> [String] { try self("capture-pane", "-p", "-t", "game").components(separatedBy: "\n") }

        /// The local player's column (`@` inside the arena box), if drawn.
        func playerColumn() throws -> Int? {
            for line in try screen() where line.hasPrefix("|") {
                if let index = line.firstIndex(of: "@") { return line.distance(from: line.startIndex, to: index) }
            }
            return nil
        }

        /// Polls `condition` every 50 ms for at most `timeout`.
        func wait(_ timeout: Duration, until condition: () throws -> Bool) rethrows -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if try condition() { return true }
                usleep(50_000)
            }
            return try condition()
        }
    }

    /// `q`, and Ctrl-C (which raw mode delivers as a key, not a signal).
    @Test(.enabled(if: tmux != nil, "tmux is not installed (CI installs it)"), arguments: ["q", "C-c"])
    func arenaIsDrawnArrowsMoveAndQuitRestoresTheTerminal(quitKey: String) throws {
        let tmux = Tmux(path: try #require(Self.tmux))
        defer { _ = try? tmux("kill-server") }
        let game = ProcessRunner.uniqueGame("tty")
        // After the game, the pane's shell prints a marker and stays, so the restored screen can be read.
        let command =
            "\(ProcessRunner.skirmish) host --discovery loopback --port 0 --game \(game); echo SKIRMISH-EXITED-$?; sleep 30"
        try tmux("new-session", "-d", "-s", "game", "-x", "100", "-y", "30", command)

        let drawn = try tmux.wait(.seconds(15)) { try tmux.playerColumn() != nil }
        let screen = try tmux.screen()
        #expect(drawn, "screen: \(screen)")
        #expect(screen.contains { $0.hasPrefix("+---") && $0.hasSuffix("---+") }, "the arena box is drawn")
        #expect(screen.contains { $0.contains("SKIRMISH") } && screen.contains { $0.contains("RTT") })
        #expect(try tmux("display", "-p", "-t", "game", "#{alternate_on} #{cursor_flag}").hasPrefix("1 0"))

        let before = try #require(try tmux.playerColumn())
        try tmux("send-keys", "-t", "game", "Right")
        #expect(
            try tmux.wait(.seconds(3)) { (try tmux.playerColumn() ?? before) > before },
            "the player moved right of column \(before)")
        print("tmux: the player moved from column \(before) to \(try tmux.playerColumn() ?? -1)")

        try tmux("send-keys", "-t", "game", quitKey)
        let exited = try tmux.wait(.seconds(10)) { try tmux.screen().contains { $0.contains("SKIRMISH-EXITED-0") } }
        let restored = try tmux.screen()
        #expect(exited, "screen: \(restored)")
        print("tmux: after q the pane shows \(restored.filter { !$0.isEmpty })")
        #expect(!restored.contains { $0.hasPrefix("+---") }, "the game's screen is gone")
        #expect(
            try tmux("display", "-p", "-t", "game", "#{alternate_on} #{cursor_flag}").hasPrefix("0 1"),
            "alternate screen left, cursor shown")
    }

    /// SIGTERM (a closing window, `kill`) stops the game cleanly and restores the terminal.
    @Test(.enabled(if: tmux != nil, "tmux is not installed (CI installs it)"))
    func terminationSignalRestoresTheTerminal() throws {
        let tmux = Tmux(path: try #require(Self.tmux))
        defer { _ = try? tmux("kill-server") }
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "skirmish-pid-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        // `exec` keeps the pid the inner shell wrote, and the game keeps the pane's terminal.
        let game =
            "\(ProcessRunner.skirmish) host --discovery loopback --port 0 --game \(ProcessRunner.uniqueGame("term"))"
        let command = "sh -c 'echo $$ > \(pidFile); exec \(game)'; echo SKIRMISH-EXITED-$?; sleep 30"
        try tmux("new-session", "-d", "-s", "game", "-x", "100", "-y", "30", command)
        #expect(try tmux.wait(.seconds(15)) { try tmux.playerColumn() != nil })
        let pidText = try String(contentsOfFile: pidFile, encoding: .utf8)
        let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)), "pid file: \(pidText)")
        kill(pid, SIGTERM)
        let exited = try tmux.wait(.seconds(10)) { try tmux.screen().contains { $0.contains("SKIRMISH-EXITED-0") } }
        let screen = try tmux.screen()
        #expect(exited, "screen: \(screen)")
        let modes = try tmux("display", "-p", "-t", "game", "#{alternate_on} #{cursor_flag}")
        #expect(modes.hasPrefix("0 1"), "alternate screen left, cursor shown")
    }

    @Test func saysKindlyThatItNeedsATerminal() throws {
        let result = try ProcessRunner.run(ProcessRunner.skirmish, ["host", "--discovery", "loopback", "--port", "0"])
        #expect(result.status == 2)
        #expect(result.output.contains("not a terminal") && result.output.contains("--headless"))
    }
}
