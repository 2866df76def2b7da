/// The window's colours, in one place so the look can be changed without reading the drawing.
///
/// Seat colours are far apart in hue and all light, so two players stay distinct on the dark
/// arena and for the common kinds of colour blindness (blue and orange first).
enum Palette {
    /// Seat 0–3 colours, the same order the terminal front end uses for its digits.
    static let seats: [Colour] = [Colour(0x4FC3F7), Colour(0xFFB74D), Colour(0xAED581), Colour(0xF48FB1)]
    /// The bars around the arena, where the HUD and overlay are written.
    static let letterbox = Colour(0x07090C)
    /// The arena floor.
    static let arena = Colour(0x161B24)
    /// Faint grid lines on the floor, so motion reads even when nothing else moves.
    static let grid = Colour(0x1E2530)
    /// The arena's edge.
    static let border = Colour(0x4A5568)
    /// Creeps: the one red thing on screen, so threats read at a glance.
    static let creep = Colour(0xE53935)
    /// A creep's core, a darker red that gives it a body.
    static let creepCore = Colour(0x8E1B1B)
    /// The ring around the local player, so "which one am I" never needs a second look.
    static let localRing = Colour(0xFFFFFF)
    /// Main text.
    static let text = Colour(0xE2E8F0)
    /// Secondary text: hints and the connection overlay.
    static let dimText = Colour(0x8896AB)
    /// Warnings: loss, a game over, an ended session.
    static let alert = Colour(0xFF6B6B)

    /// Seat `slot`'s colour (any slot outside 0–3 wraps, so a larger game still draws).
    static func seat(_ slot: Int) -> Colour {
        seats[((slot % seats.count) + seats.count) % seats.count]
    }
}
