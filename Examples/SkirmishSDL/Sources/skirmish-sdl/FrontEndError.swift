/// What stopped the window front end, in words a player can act on.
enum FrontEndError: Error, CustomStringConvertible {
    /// `join` without a join string, and discovery found nothing.
    case noGameFound(searchedSeconds: Double)
    /// SDL could not open the window (no display, no video driver).
    case window(String)
    /// SDL found no display to show a window on, only a windowless video driver.
    case noDisplay(driver: String)
    /// `--screenshot` could not read the picture back or write the file.
    case screenshot(String)

    var description: String {
        switch self {
        case .noGameFound(let seconds):
            "No Skirmish game answered within \(Int(seconds)) s. Host one with `skirmish-sdl host`, or give the join string the host printed."
        case .window(let reason):
            "Could not open the window: \(reason). Is a display available (DISPLAY set, or Xvfb running)?"
        case .noDisplay(let driver):
            "No display to open the window on (SDL's video driver is '\(driver)'): set DISPLAY or WAYLAND_DISPLAY, or run under Xvfb. The terminal game needs none: skirmish."
        case .screenshot(let reason):
            "Could not save the screenshot: \(reason)."
        }
    }
}
