import Foundation
import ProcessTestSupport

/// Runs the built `skirmish` and `tmux` for tests that need real processes. Every wait is
/// bounded. (The idea of NetplayTests' `ProcessHarness`, for this test target.)
enum ProcessRunner {
    /// The directory holding the built products (`skirmish`), next to the test bundle.
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    static var skirmish: String { productsDirectory.appendingPathComponent("skirmish").path }

    static func which(_ program: String) -> String? {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin", "/opt/homebrew/bin"] {
            let path = directory + "/" + program
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// A game name no other test run uses, so parallel runs never find each other's games.
    static func uniqueGame(_ tag: String) -> String {
        "sk-\(tag)-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
    }

    /// Runs a program to completion (killed after `timeout`); returns status and output.
    ///
    /// Spawned and reaped here with `posix_spawn` and `waitpid` rather than `Process`: a
    /// `tmux` client whose server daemonizes was seen never to be reaped by Foundation's
    /// `Process`, hanging `waitUntilExit()` for good.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(10)) throws -> (
        status: Int32, output: String
    ) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "skirmish-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw SpawnError(description: "posix_spawn \(executable): error \(spawned)") }
        var status: Int32 = 0
        let deadline = ContinuousClock.now + timeout
        var exitStatus: Int32 = -1
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                break
            }
            if result < 0 { break }  // reaped elsewhere: the status is unknown
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(10_000)
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (exitStatus, output)
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    typealias Background = BackgroundProcess
}
