import Foundation
import SkirmishCore
import SkirmishNet

/// Draws a ``FrameView`` on a terminal: a status line, the arena in a box (who hosts on its
/// top edge), the network overlay and a help or notice line.
///
/// The arena is scaled to whatever fits: on 80 × 24 a cell is 20 × 47 world units, which the
/// terminal's tall cells turn back into roughly the arena's 16:9.
enum ArenaRenderer {
    /// The smallest terminal the game is laid out for.
    static let minimumColumns = 80
    static let minimumRows = 24
    /// Rows that are not arena: status, two box borders, overlay, notice.
    static let chromeRows = 5
    /// Border cells kept right of the "who hosts" label, so the box's corner still reads as one.
    static let hostLabelInset = 3

    static func render(_ view: FrameView, size: TerminalScreen.Size) -> [String] {
        var screen = ScreenBuffer(columns: size.columns, rows: size.rows)
        guard size.columns >= minimumColumns, size.rows >= minimumRows else {
            screen.centred(
                "Skirmish needs a terminal of at least \(minimumColumns)x\(minimumRows)", row: size.rows / 2 - 1,
                style: .hud)
            screen.centred(
                "(this one is \(size.columns)x\(size.rows)); enlarge it, or press q", row: size.rows / 2, style: .plain)
            return screen.renderedRows()
        }
        drawStatus(view, on: &screen)
        let arena = ArenaBox(columns: size.columns, rows: size.rows)
        arena.drawBorder(on: &screen)
        // Who hosts, on the box's top edge at the right: after a change of host it says who
        // took over (the notice line says what happened).
        let host = " \(view.hostLabel) "
        screen.text(host, row: arena.top, column: arena.right - Self.hostLabelInset - host.count, style: .hud)
        for bullet in view.bullets {
            screen.put("*", row: arena.row(bullet.y), column: arena.column(bullet.x), style: .bullet)
        }
        for creep in view.creeps {
            screen.put("x", row: arena.row(creep.y), column: arena.column(creep.x), style: .creep)
        }
        // The local player last, so it is never hidden; it is `@`, others their seat number.
        for player in view.players.sorted(by: { !$0.isLocal && $1.isLocal }) where player.lives > 0 {
            let glyph: Character = player.isLocal ? "@" : Character(String(player.slot + 1))
            screen.put(
                glyph, row: arena.row(player.y), column: arena.column(player.x),
                style: .player(slot: player.slot, isLocal: player.isLocal, isInvulnerable: player.isInvulnerable))
        }
        if let banner = banner(for: view) {
            screen.centred(" \(banner) ", row: arena.top + (arena.bottom - arena.top) / 2, style: .banner)
        } else if let waiting = reconnecting(view) {
            // The host's game goes on around a silent player: on the box's edge, not over play.
            screen.centred(" \(waiting) ", row: arena.bottom, style: .banner)
        } else if view.phase == .playing, view.me?.lives == 0 {
            // The game goes on around a player who is out: say so on the box's bottom edge,
            // not over a row the team is still fighting in.
            screen.centred(" You are out: your team plays on ", row: arena.bottom, style: .banner)
        }
        screen.text(overlay(view.network), row: size.rows - 2, column: 1, style: .overlay)
        screen.text(
            view.notice ?? "arrows/WASD move, space shoots, q quits", row: size.rows - 1, column: 1, style: .plain)
        return screen.renderedRows()
    }

    private static func drawStatus(_ view: FrameView, on screen: inout ScreenBuffer) {
        var column = 1
        screen.text("SKIRMISH", row: 0, column: column, style: .hud)
        column += 10
        let wave = view.wave == 0 ? "get ready" : "wave \(view.wave)"
        screen.text(wave, row: 0, column: column, style: .hud)
        column += wave.count + 3
        for player in view.players {
            let name = player.isLocal ? "you" : "P\(player.slot + 1)"
            let entry =
                "\(name) \(player.score) " + String(repeating: "♥", count: max(player.lives, 0))
                + (player.lives == 0 ? "out" : "")
            screen.text(
                entry, row: 0, column: column, style: .player(slot: player.slot, isLocal: false, isInvulnerable: false))
            column += entry.count + 3
        }
    }

    private static func banner(for view: FrameView) -> String? {
        if let ended = view.ended { return ended }
        // A client whose host went quiet sees a frozen arena: say why where the eye is.
        if !view.isHost, !view.reconnecting.isEmpty { return "Connection to the host lost: reconnecting…" }
        switch view.phase {
        case .waitingForPlayers: return "Waiting for players..."
        case .gameOver: return "GAME OVER at wave \(view.wave): press space to play again"
        case .playing: return nil
        }
    }

    /// On the host, who the game is waiting for.
    private static func reconnecting(_ view: FrameView) -> String? {
        guard view.isHost, !view.reconnecting.isEmpty else { return nil }
        let names = view.reconnecting.map { id in
            view.players.first { $0.id == id }.map { "P\($0.slot + 1)" } ?? "A player"
        }
        return "\(names.joined(separator: ", ")) lost: reconnecting…"
    }

    static func overlay(_ network: NetworkOverlay) -> String {
        let rtt = network.roundTripMilliseconds.map { String(format: "%.1f ms", $0) } ?? "-"
        let loss = network.loss.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
        return String(
            format: "RTT %@   loss %@   up %.1f kbps   down %.1f kbps   players %d/%d",
            rtt, loss, network.kilobitsSent, network.kilobitsReceived, network.players, SkirmishRules.maxPlayers)
    }
}

/// Where the arena sits on the screen and how world units map to cells.
struct ArenaBox {
    let top = 1
    let bottom: Int
    let right: Int

    init(columns: Int, rows: Int) {
        bottom = rows - 3
        right = columns - 1
    }

    var innerColumns: Int { right - 1 }
    var innerRows: Int { bottom - top - 1 }

    func column(_ x: Float) -> Int {
        1 + min(max(Int(x / SkirmishRules.arenaWidth * Float(innerColumns)), 0), innerColumns - 1)
    }

    func row(_ y: Float) -> Int {
        top + 1 + min(max(Int(y / SkirmishRules.arenaHeight * Float(innerRows)), 0), innerRows - 1)
    }

    func drawBorder(on screen: inout ScreenBuffer) {
        for column in 0...right {
            let corner = column == 0 || column == right
            screen.put(corner ? "+" : "-", row: top, column: column, style: .border)
            screen.put(corner ? "+" : "-", row: bottom, column: column, style: .border)
        }
        for row in (top + 1)..<bottom {
            screen.put("|", row: row, column: 0, style: .border)
            screen.put("|", row: row, column: right, style: .border)
        }
    }
}
