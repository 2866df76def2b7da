/// How a cell looks, as an ANSI select-graphic-rendition sequence.
enum CellStyle: Equatable {
    case plain, border, hud, overlay, creep, bullet, banner
    case player(slot: Int, isLocal: Bool, isInvulnerable: Bool)

    /// Seat colours: green, cyan, magenta, blue (red and yellow are the creeps' and bullets').
    private static let seatColours = [32, 36, 35, 34]

    var sgr: String {
        switch self {
        case .plain: "\u{1B}[0m"
        case .border: "\u{1B}[0;2m"
        case .hud: "\u{1B}[0;1m"
        case .overlay: "\u{1B}[0;2m"
        case .creep: "\u{1B}[0;1;31m"
        case .bullet: "\u{1B}[0;1;33m"
        case .banner: "\u{1B}[0;1;7m"
        case .player(let slot, let isLocal, let isInvulnerable):
            "\u{1B}[0;1;\(Self.seatColours[slot % Self.seatColours.count])\(isLocal ? ";7" : "")\(isInvulnerable ? ";2" : "")m"
        }
    }
}

/// A frame as a grid of styled cells, turned into one string per row for ``TerminalScreen``.
struct ScreenBuffer {
    let columns: Int
    let rows: Int
    private var characters: [[Character]]
    private var styles: [[CellStyle]]

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        characters = Array(repeating: Array(repeating: " ", count: columns), count: rows)
        styles = Array(repeating: Array(repeating: .plain, count: columns), count: rows)
    }

    /// Puts one character; cells off the screen are ignored.
    mutating func put(_ character: Character, row: Int, column: Int, style: CellStyle) {
        guard (0..<rows).contains(row), (0..<columns).contains(column) else { return }
        characters[row][column] = character
        styles[row][column] = style
    }

    /// Writes `text` from `column`, clipped at the right edge (one cell per character).
    mutating func text(_ text: String, row: Int, column: Int, style: CellStyle) {
        for (offset, character) in text.enumerated() {
            put(character, row: row, column: column + offset, style: style)
        }
    }

    /// Writes `text` centred on `row`.
    mutating func centred(_ text: String, row: Int, style: CellStyle) {
        self.text(text, row: row, column: max((columns - text.count) / 2, 0), style: style)
    }

    /// Each row with escapes only where the style changes, ending in plain style.
    func renderedRows() -> [String] {
        (0..<rows).map { row in
            var line = ""
            var current: CellStyle?
            for column in 0..<columns {
                let style = styles[row][column]
                if style != current {
                    line += style.sgr
                    current = style
                }
                line.append(characters[row][column])
            }
            return line + CellStyle.plain.sgr
        }
    }
}
