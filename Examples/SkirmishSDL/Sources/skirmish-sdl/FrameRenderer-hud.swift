import SkirmishCore
import SkirmishNet

/// The text around and over the arena: the HUD in the top bar, the connection overlay and the
/// session notice in the bottom bar, and the big messages (waiting, game over, reconnecting, ended).
extension FrameRenderer {
    /// Window pixels between the bars' text and the window's edges.
    static let margin = 10
    /// Font scale of HUD and overlay text: 10 × 14-pixel characters, 78 to a line.
    static let hudScale = 2
    /// Font scale of the big centred messages.
    static let bannerScale = 5
    /// Pixels between lines of text at ``hudScale``.
    static let lineHeight = 16
    /// Width of each player's column in the HUD: four seats across the window.
    static var seatColumnWidth: Int { GameWindow.width / SkirmishRules.maxPlayers }
    /// Size of one life pip, window pixels.
    static let lifePipSize = 8
    /// Most lines of the session notice shown; two fit below the overlay in the 75-pixel bar.
    static let noticeLines = 2

    func drawHUD(_ view: FrameView) {
        let top = Self.margin
        let phase: String
        switch view.phase {
        case .waitingForPlayers: phase = "waiting for players"
        case .playing: phase = view.wave == 0 ? "get ready" : "wave \(view.wave)"
        case .gameOver: phase = "game over"
        }
        canvas.text("SKIRMISH", x: Self.margin, y: top, scale: Self.hudScale, Palette.text)
        canvas.text(phase.uppercased(), centreX: GameWindow.width / 2, y: top, scale: Self.hudScale, Palette.text)
        // Who hosts ("YOU HOST", "HOST: P2"): after a change of host, who took over.
        let role = view.hostLabel.uppercased()
        canvas.text(
            role, x: GameWindow.width - Self.margin - Canvas.textWidth(role, scale: Self.hudScale), y: top,
            scale: Self.hudScale, Palette.dimText)
        for player in view.players {
            drawSeat(player, top: top + Self.lineHeight + Self.margin)
        }
    }

    /// One player's column: "P2 140" in the seat's colour, a pip per life, and "YOU" under the
    /// local player's.
    private func drawSeat(_ player: PlayerView, top: Int) {
        let left = player.slot * Self.seatColumnWidth + Self.margin
        let colour = Palette.seat(player.slot)
        let label = "P\(player.slot + 1) \(player.score)"
        canvas.text(label, x: left, y: top, scale: Self.hudScale, colour)
        var pipX = left + Canvas.textWidth(label, scale: Self.hudScale) + Self.margin
        for _ in 0..<max(player.lives, 0) {
            canvas.fillRect(
                x: pipX, y: top + Self.hudGlyphInset, width: Self.lifePipSize, height: Self.lifePipSize, colour)
            pipX += Self.lifePipSize + Self.lifePipSize / 2
        }
        if player.lives <= 0 {
            canvas.text("OUT", x: pipX, y: top, scale: Self.hudScale, Palette.alert)
        }
        if player.isLocal {
            canvas.text("YOU", x: left, y: top + Self.lineHeight, scale: Self.hudScale, colour)
        }
    }

    /// Pixels from the top of a HUD line to where a pip sits level with the capitals.
    private static let hudGlyphInset = 3

    func drawOverlay(_ view: FrameView) {
        let network = view.network
        let rtt = network.roundTripMilliseconds.map { "\(Int($0.rounded())) ms" } ?? "--"
        let loss = network.loss.map { Self.oneDecimal($0 * 100) + "%" } ?? "--"
        let line =
            "RTT \(rtt)  loss \(loss)  up \(Self.oneDecimal(network.kilobitsSent)) kbps  "
            + "down \(Self.oneDecimal(network.kilobitsReceived)) kbps  \(network.players) playing"
        let top = Int(viewport.bottom) + Self.margin
        canvas.text(line, x: Self.margin, y: top, scale: Self.hudScale, Palette.dimText)
        let notice = view.notice ?? "arrows or WASD move, space shoots, q quits"
        let width = (GameWindow.width - 2 * Self.margin) / (BitmapFont.glyphWidth * Self.hudScale)
        for (index, text) in Self.wrap(notice, width: width).prefix(Self.noticeLines).enumerated() {
            canvas.text(
                text, x: Self.margin, y: top + (index + 1) * Self.lineHeight + Self.margin / 2, scale: Self.hudScale,
                Palette.text)
        }
    }

    func drawCentreMessage(_ view: FrameView) {
        let centreX = Int(viewport.left + viewport.width / 2)
        // A third of the way down, not the middle: players start in the middle.
        let centreY = Int(viewport.top + viewport.height / 3)
        let title: String
        let detail: String
        let colour: Colour
        if let ended = view.ended {
            (title, detail, colour) = ("GAME ENDED", ended, Palette.alert)
        } else if !view.isHost, !view.reconnecting.isEmpty {
            // The arena stands still while the host is silent: say why, not only in the notice.
            (title, detail, colour) = ("RECONNECTING", "nothing heard from the host", Palette.alert)
        } else if case .gameOver = view.phase {
            (title, detail, colour) = ("GAME OVER", "shoot to play again", Palette.alert)
        } else if view.phase == .waitingForPlayers {
            (title, detail, colour) = ("WAITING", "for players to join", Palette.text)
        } else {
            return
        }
        let bannerHeight = BitmapFont.glyphHeight * Self.bannerScale
        let panelWidth =
            max(Canvas.textWidth(title, scale: Self.bannerScale), Canvas.textWidth(detail, scale: Self.hudScale)) + 4
            * Self.margin
        let panelHeight = bannerHeight + Self.lineHeight + 4 * Self.margin
        // A panel behind the text, so creeps and bullets passing under it never garble it.
        canvas.fillRect(
            x: centreX - panelWidth / 2, y: centreY - bannerHeight - 2 * Self.margin,
            width: panelWidth, height: panelHeight, Palette.letterbox)
        canvas.text(title, centreX: centreX, y: centreY - bannerHeight, scale: Self.bannerScale, colour)
        canvas.text(detail, centreX: centreX, y: centreY + Self.margin, scale: Self.hudScale, Palette.text)
    }

    /// `value` with one decimal, without Foundation's formatters (which differ by locale).
    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }

    /// `text` broken at spaces into lines of at most `width` characters (a longer word is cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
            while line.count > width {
                lines.append(String(line.prefix(width)))
                line = String(line.dropFirst(width))
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
