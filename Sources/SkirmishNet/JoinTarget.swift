import Foundation
import Netplay

/// What a player types to join a game: the join string a host printed (`NP-…`), or an
/// address as the other tools take it: `192.168.1.20`, `127.0.0.1:7777`, `::1`, `[::1]:7777`.
enum JoinTarget {
    /// The join string `text` names.
    /// - Parameter defaultPort: The port of an address typed without one (0: the usual port).
    static func parse(_ text: String, defaultPort: Int) throws(SessionError) -> JoinString {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.uppercased().hasPrefix("NP") {
            do {
                return try JoinString(parsing: trimmed)
            } catch {
                throw SessionError("That join string does not work: \(error).")
            }
        }
        let (host, port) = split(trimmed, defaultPort: defaultPort == 0 ? NetHost.defaultPort : defaultPort)
        guard let port, let address = try? PeerAddress(numericHost: host, port: port) else {
            throw SessionError(
                "'\(text)' is neither a join string (NP-…) nor an address with an optional port (127.0.0.1:7777, [::1]:7777)."
            )
        }
        return JoinString(address: address)
    }

    /// Host and port of `"[::1]:7777"`, `"::1"`, `"127.0.0.1:7777"` or `"127.0.0.1"`; a `nil`
    /// port when one is given but is not a number.
    private static func split(_ target: String, defaultPort: Int) -> (String, Int?) {
        if target.hasPrefix("["), let close = target.firstIndex(of: "]") {
            let host = String(target[target.index(after: target.startIndex)..<close])
            let rest = target[target.index(after: close)...]
            return (host, rest.isEmpty ? defaultPort : rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil)
        }
        let parts = target.split(separator: ":", omittingEmptySubsequences: false)
        // More than one colon and no brackets: a bare IPv6 address.
        guard parts.count == 2 else { return (target, defaultPort) }
        return (String(parts[0]), Int(parts[1]))
    }
}
