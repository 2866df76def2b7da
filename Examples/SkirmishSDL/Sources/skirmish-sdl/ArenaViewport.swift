import SkirmishCore

/// Where the 1600 × 900 arena lands in the window: scaled to fit, aspect kept, centred.
///
/// 16:9 in the 4:3 window at half scale leaves a 75-pixel bar above and below; the HUD and the
/// connection overlay live in those bars, so nothing is ever drawn over the arena.
struct ArenaViewport {
    /// Window pixels per world unit.
    let scale: Float
    /// Window x of the arena's left edge.
    let left: Float
    /// Window y of the arena's top edge.
    let top: Float

    /// The arena fitted inside a `width` × `height` window.
    init(windowWidth width: Int, windowHeight height: Int) {
        scale = min(Float(width) / SkirmishRules.arenaWidth, Float(height) / SkirmishRules.arenaHeight)
        left = (Float(width) - SkirmishRules.arenaWidth * scale) / 2
        top = (Float(height) - SkirmishRules.arenaHeight * scale) / 2
    }

    /// The arena's width in window pixels.
    var width: Float { SkirmishRules.arenaWidth * scale }
    /// The arena's height in window pixels.
    var height: Float { SkirmishRules.arenaHeight * scale }
    /// Window y of the arena's bottom edge.
    var bottom: Float { top + height }

    /// The window x of world x.
    func x(_ worldX: Float) -> Float { left + worldX * scale }
    /// The window y of world y (both grow down).
    func y(_ worldY: Float) -> Float { top + worldY * scale }
    /// A world distance in window pixels.
    func length(_ worldUnits: Float) -> Float { worldUnits * scale }
}
