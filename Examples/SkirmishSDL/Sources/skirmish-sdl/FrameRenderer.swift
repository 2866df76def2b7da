import Foundation
import SkirmishCore
import SkirmishNet

/// Draws one ``FrameView`` in the window: the arena and what is in it here, the HUD and the
/// overlay in `FrameRenderer-hud.swift`.
struct FrameRenderer {
    let canvas: Canvas
    let viewport = ArenaViewport(windowWidth: GameWindow.width, windowHeight: GameWindow.height)

    /// Grid spacing on the floor, world units: 100 makes a 16 × 9 grid, one square per
    /// ~0.4 s of a player's run.
    static let gridSpacing: Float = 100
    /// A player's gun barrel reaches this many radii from its centre along its facing.
    static let barrelReach: Float = 1.7
    /// Barrel thickness in window pixels.
    static let barrelThickness: Float = 3
    /// Width of the ring around the local player, window pixels.
    static let localRingWidth: Float = 2
    /// An invulnerable player blinks, hidden for this many ticks of every twice as many
    /// (3 ticks at 30 Hz: five blinks a second, clearly "can't be hurt", not a glitch).
    static let blinkTicks: UInt32 = 3
    /// How much a player who is out (no lives) is dimmed.
    static let outDimming: Float = 0.65
    /// Drawn bullets are this many times their collision radius: a 4-unit bullet is 2 pixels
    /// at half scale, too small to follow.
    static let bulletDrawScale: Float = 1.5

    /// Draws `view` (the caller presents it).
    func draw(_ view: FrameView) {
        canvas.clear(Palette.letterbox)
        drawArena()
        for creep in view.creeps { drawCreep(creep) }
        for bullet in view.bullets { drawBullet(bullet, players: view.players) }
        for player in view.players { drawPlayer(player, tick: view.tick) }
        drawHUD(view)
        drawOverlay(view)
        drawCentreMessage(view)
    }

    private func drawArena() {
        canvas.fillRect(
            x: Int(viewport.left), y: Int(viewport.top), width: Int(viewport.width), height: Int(viewport.height),
            Palette.arena)
        var gridX = Self.gridSpacing
        while gridX < SkirmishRules.arenaWidth {
            canvas.fillRect(
                x: Int(viewport.x(gridX)), y: Int(viewport.top), width: 1, height: Int(viewport.height), Palette.grid)
            gridX += Self.gridSpacing
        }
        var gridY = Self.gridSpacing
        while gridY < SkirmishRules.arenaHeight {
            canvas.fillRect(
                x: Int(viewport.left), y: Int(viewport.y(gridY)), width: Int(viewport.width), height: 1, Palette.grid)
            gridY += Self.gridSpacing
        }
        let left = Int(viewport.left)
        let top = Int(viewport.top)
        let width = Int(viewport.width)
        let height = Int(viewport.height)
        canvas.fillRect(x: left, y: top, width: width, height: 1, Palette.border)
        canvas.fillRect(x: left, y: top + height - 1, width: width, height: 1, Palette.border)
        canvas.fillRect(x: left, y: top, width: 1, height: height, Palette.border)
        canvas.fillRect(x: left + width - 1, y: top, width: 1, height: height, Palette.border)
    }

    private func drawCreep(_ creep: CreepView) {
        let x = viewport.x(creep.x)
        let y = viewport.y(creep.y)
        let half = viewport.length(SkirmishRules.creepRadius)
        canvas.fillSquare(centreX: x, centreY: y, halfSide: half, Palette.creep)
        canvas.fillSquare(centreX: x, centreY: y, halfSide: half / 2, Palette.creepCore)
    }

    private func drawBullet(_ bullet: BulletView, players: [PlayerView]) {
        let slot = players.first { $0.id == bullet.shooter }?.slot
        let colour = slot.map(Palette.seat) ?? Palette.text
        let half = max(viewport.length(SkirmishRules.bulletRadius * Self.bulletDrawScale), 1)
        canvas.fillSquare(centreX: viewport.x(bullet.x), centreY: viewport.y(bullet.y), halfSide: half, colour)
    }

    private func drawPlayer(_ player: PlayerView, tick: UInt32) {
        if player.isInvulnerable && (tick / Self.blinkTicks) % 2 == 1 { return }
        let x = viewport.x(player.x)
        let y = viewport.y(player.y)
        let radius = viewport.length(SkirmishRules.playerRadius)
        let colour =
            player.lives > 0 ? Palette.seat(player.slot) : Palette.seat(player.slot).darkened(by: Self.outDimming)
        let reach = radius * Self.barrelReach
        canvas.line(
            fromX: x, y: y, toX: x + reach * cos(player.facing), y: y + reach * sin(player.facing),
            thickness: Self.barrelThickness, colour)
        if player.isLocal {
            canvas.fillCircle(centreX: x, centreY: y, radius: radius + Self.localRingWidth, Palette.localRing)
        }
        canvas.fillCircle(centreX: x, centreY: y, radius: radius, colour)
        let label = "P\(player.slot + 1)"
        canvas.text(
            label, centreX: Int(x), y: Int(y - radius) - Self.labelGap - BitmapFont.glyphHeight, scale: 1, Palette.text)
    }

    /// Pixels between a player's top and its label.
    private static let labelGap = 4
}
