import ArgumentParser
import Foundation
import Netplay

/// A failure the tool explains in one sentence: what happened and what to do. Printed by the
/// argument parser as `Error: …`, with a non-zero exit.
struct ToolFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Turns connection failures into advice that names the address and the flag to use.
enum ConnectAdvice {
    /// When a silent host is first mentioned: long enough that a live LAN host has answered.
    static let stillTryingAfter = Duration.seconds(2)

    /// Runs `connect`, saying after ``stillTryingAfter`` that it is still trying `address`.
    static func withProgress(
        to address: PeerAddress, giveUpAfter timeout: Duration, say: @escaping @Sendable (String) -> Void,
        _ connect: () async throws -> NetClient
    ) async throws -> NetClient {
        let reporter = Task {
            try await Task.sleep(for: stillTryingAfter)
            say("No answer from \(address) yet; still trying (giving up after \(timeout.seconds) s)…")
        }
        defer { reporter.cancel() }
        return try await connect()
    }

    /// What to tell the user when connecting to `address` failed with `error`.
    static func explain(_ error: any Error, address: PeerAddress, timeout: Duration) -> String {
        guard let error = error as? NetError else { return "\(error)" }
        switch error {
        case .refused(.hostUnreachable):
            return
                "Nothing answers at \(address): no reply in \(timeout.seconds) s. Check the address and port, that `netplay host` is running there, and that no firewall blocks UDP."
        case .refused(.wrongGame(let host, let local)):
            return "The host at \(address) runs '\(host)', not '\(local)' — use --game \(host)"
        case .refused(.joinCodeRequired):
            return "The host at \(address) needs a join code — ask its host, then add --code CODE"
        case .refused(.wrongJoinCode):
            return "The join code is wrong for the host at \(address) — check it with the host"
        case .refused(.versionMismatch(let local, let remote)):
            return
                "The host at \(address) speaks protocol version \(remote); this tool speaks \(local) — run the same netplay version on both"
        case .refused(.schemaMismatch):
            return
                "The host at \(address) runs a game whose messages the echo tool does not know (not a `netplay host`) — ping a `netplay host` instead"
        default:
            return error.description
        }
    }
}

extension Duration {
    /// Whole seconds, for messages.
    var seconds: Int64 { components.seconds }
}
