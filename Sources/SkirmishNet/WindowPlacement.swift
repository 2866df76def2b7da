/// Where a window front end opens its window: the host's on the left of the screen, a
/// joiner's on the right, so two windows on one screen (a player trying both sides, the
/// README's screenshot) never open on top of each other.
///
/// Pure arithmetic on the screen's usable area, so it is tested without a display; the SDL
/// front end passes it what `SDL_GetDisplayUsableBounds` reports.
public struct WindowPlacement: Hashable, Sendable {
    /// The window's left edge, in screen pixels.
    public var x: Int
    /// The window's top edge, in screen pixels.
    public var y: Int

    /// Creates a placement at `x`, `y`.
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }

    /// The top-left corner for a `width` × `height` window in the screen's usable area.
    ///
    /// Vertically centred. Where two windows fit side by side, they share the width evenly
    /// and do not overlap. Narrower, the host's is ``screenEdgeGap`` from the left edge and a
    /// joiner's that far from the right, overlapping in the middle; on a screen too narrow to
    /// set them ``minimumSeparation`` apart that way, a joiner's window is cascaded down and
    /// right of the host's instead, so the host's title and left side stay visible.
    /// - Parameters:
    ///   - width: The window's width, in pixels.
    ///   - height: The window's height, in pixels.
    ///   - isHost: Whether this window's game hosts.
    ///   - screen: The usable area: `x`, `y` of its top-left corner, then its size.
    public static func forWindow(
        width: Int, height: Int, isHost: Bool, screen: (x: Int, y: Int, width: Int, height: Int)
    ) -> WindowPlacement {
        let top = screen.y + max(screen.height - height, 0) / 2
        // Three equal gaps: left of the host's window, between the two, right of the joiner's.
        let sideBySideGap = (screen.width - 2 * width) / 3
        if screen.width >= 2 * width {
            let left = screen.x + sideBySideGap
            return WindowPlacement(x: isHost ? left : left + width + sideBySideGap, y: top)
        }
        let spareWidth = max(screen.width - width, 0)
        let hostX = min(spareWidth, screenEdgeGap)
        if isHost { return WindowPlacement(x: screen.x + hostX, y: top) }
        let joinerX = max(spareWidth - screenEdgeGap, 0)
        if joinerX - hostX >= minimumSeparation { return WindowPlacement(x: screen.x + joinerX, y: top) }
        return WindowPlacement(x: screen.x + hostX + minimumSeparation, y: top + minimumSeparation)
    }

    /// Pixels between a placed window and the screen's side, when the two windows overlap.
    public static let screenEdgeGap = 20
    /// How far apart the host's and a joiner's windows open at least, in pixels: about a
    /// title bar and a half, so the window behind stays recognisable and clickable.
    public static let minimumSeparation = 48
}
