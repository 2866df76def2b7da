import CSDL2

/// Filled shapes and bitmap text on an SDL renderer, in window pixels.
///
/// Everything is built from filled rectangles, batched into one `SDL_RenderFillRects` call
/// per shape, so it draws the same on SDL's GPU and software renderers (Xvfb has no GPU).
struct Canvas {
    /// Full alpha (SDL's `SDL_ALPHA_OPAQUE`, which Swift imports as an `Int32`).
    private static let opaque = UInt8.max

    /// The `SDL_Renderer` drawn on; owned by ``GameWindow``.
    let renderer: OpaquePointer

    /// Fills the whole target with `colour`.
    func clear(_ colour: Colour) {
        use(colour)
        SDL_RenderClear(renderer)
    }

    /// Fills the rectangle with top-left corner (`x`, `y`).
    func fillRect(x: Int, y: Int, width: Int, height: Int, _ colour: Colour) {
        use(colour)
        var rect = SDL_Rect(x: Int32(x), y: Int32(y), w: Int32(width), h: Int32(height))
        SDL_RenderFillRect(renderer, &rect)
    }

    /// Fills a square of side `2 × halfSide` centred on (`x`, `y`).
    func fillSquare(centreX x: Float, centreY y: Float, halfSide: Float, _ colour: Colour) {
        let side = max(Int((2 * halfSide).rounded()), 1)
        fillRect(x: Int((x - halfSide).rounded()), y: Int((y - halfSide).rounded()), width: side, height: side, colour)
    }

    /// Fills a disc as one horizontal span per pixel row.
    func fillCircle(centreX x: Float, centreY y: Float, radius: Float, _ colour: Colour) {
        let rows = Int(radius.rounded(.up))
        var spans: [SDL_Rect] = []
        spans.reserveCapacity(2 * rows + 1)
        for row in -rows...rows {
            // Sample the row's middle, so the disc is symmetric and a 1-pixel radius is a plus.
            let offset = Float(row)
            let half = (radius * radius - offset * offset).squareRoot()
            guard half >= 0.5 else { continue }
            let left = Int((x - half).rounded())
            let right = Int((x + half).rounded())
            spans.append(
                SDL_Rect(x: Int32(left), y: Int32(Int(y.rounded()) + row), w: Int32(max(right - left, 1)), h: 1))
        }
        fill(spans, colour)
    }

    /// Draws a line `thickness` pixels wide from (`x0`, `y0`) to (`x1`, `y1`) as a run of squares.
    func line(fromX x0: Float, y y0: Float, toX x1: Float, y y1: Float, thickness: Float, _ colour: Colour) {
        let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
        let steps = max(Int(length.rounded(.up)), 1)
        let side = max(Int(thickness.rounded()), 1)
        var dots: [SDL_Rect] = []
        dots.reserveCapacity(steps + 1)
        for step in 0...steps {
            let t = Float(step) / Float(steps)
            let x = Int((x0 + (x1 - x0) * t - thickness / 2).rounded())
            let y = Int((y0 + (y1 - y0) * t - thickness / 2).rounded())
            dots.append(SDL_Rect(x: Int32(x), y: Int32(y), w: Int32(side), h: Int32(side)))
        }
        fill(dots, colour)
    }

    /// Writes `text` with its top-left corner at (`x`, `y`), each font pixel `scale` pixels square.
    func text(_ text: String, x: Int, y: Int, scale: Int, _ colour: Colour) {
        var pixels: [SDL_Rect] = []
        for (index, character) in Self.characters(text).enumerated() {
            let left = x + index * BitmapFont.glyphWidth * scale
            for row in 0..<BitmapFont.glyphHeight {
                for column in 0..<BitmapFont.glyphWidth where BitmapFont.isInk(character, column: column, row: row) {
                    pixels.append(
                        SDL_Rect(
                            x: Int32(left + column * scale), y: Int32(y + row * scale), w: Int32(scale), h: Int32(scale)
                        ))
                }
            }
        }
        fill(pixels, colour)
    }

    /// Writes `text` centred horizontally on `centreX`.
    func text(_ text: String, centreX: Int, y: Int, scale: Int, _ colour: Colour) {
        self.text(text, x: centreX - Self.textWidth(text, scale: scale) / 2, y: y, scale: scale, colour)
    }

    /// The width `text` takes at `scale`, in pixels.
    static func textWidth(_ text: String, scale: Int) -> Int {
        characters(text).count * BitmapFont.glyphWidth * scale
    }

    /// One font character per Unicode scalar: ASCII as itself, anything else as `?`, so a
    /// name or message with an accent keeps its length and shows where it is.
    private static func characters(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { $0.isASCII ? UInt8($0.value) : UInt8(ascii: "?") }
    }

    private func fill(_ rects: [SDL_Rect], _ colour: Colour) {
        guard !rects.isEmpty else { return }
        use(colour)
        _ = rects.withUnsafeBufferPointer { SDL_RenderFillRects(renderer, $0.baseAddress, Int32($0.count)) }
    }

    private func use(_ colour: Colour) {
        SDL_SetRenderDrawColor(renderer, colour.red, colour.green, colour.blue, Self.opaque)
    }
}
