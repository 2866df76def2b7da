/// An opaque sRGB colour, as SDL's draw calls take it.
struct Colour: Hashable {
    var red: UInt8
    var green: UInt8
    var blue: UInt8

    /// A colour from `0xRRGGBB`, the way designers write them.
    init(_ hex: UInt32) {
        red = UInt8(truncatingIfNeeded: hex >> 16)
        green = UInt8(truncatingIfNeeded: hex >> 8)
        blue = UInt8(truncatingIfNeeded: hex)
    }

    /// This colour mixed `fraction` (0…1) of the way towards black: a dimmed variant.
    func darkened(by fraction: Float) -> Colour {
        let keep = 1 - min(max(fraction, 0), 1)
        var colour = self
        colour.red = UInt8(Float(red) * keep)
        colour.green = UInt8(Float(green) * keep)
        colour.blue = UInt8(Float(blue) * keep)
        return colour
    }
}
