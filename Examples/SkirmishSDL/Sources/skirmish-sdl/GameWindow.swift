import CSDL2
import Foundation
import SkirmishNet

/// The SDL window and its renderer, from `SDL_Init` to `SDL_Quit`.
///
/// Used from one thread for its whole life (the frame loop's), as SDL requires. Closing the
/// window, q, Escape and Ctrl-C all end the game: SDL turns SIGINT and SIGTERM into the same
/// quit event as the close button, so every exit path runs the same shutdown.
final class GameWindow {
    /// The window's size in pixels, as the game issue asks: the arena at half scale fits its width.
    static let width = 800
    /// See ``width``.
    static let height = 600

    private let window: OpaquePointer
    private let renderer: OpaquePointer
    private var isOpen = true

    /// What to draw on; drawing goes to the back buffer until ``present()``.
    var canvas: Canvas { Canvas(renderer: renderer) }

    /// Opens the window titled `title`.
    init(title: String) throws(FrontEndError) {
        guard SDL_Init(SDL_INIT_VIDEO) == 0 else { throw .window(Self.lastError) }
        // SDL falls back to drivers that draw nowhere; only a player who asks for one (for a
        // screenshot, say) gets a window nobody sees.
        let driver = SDL_GetCurrentVideoDriver().map { String(cString: $0) } ?? "none"
        if Self.windowlessDrivers.contains(driver), ProcessInfo.processInfo.environment["SDL_VIDEODRIVER"] == nil {
            SDL_Quit()
            throw .noDisplay(driver: driver)
        }
        guard
            let window = SDL_CreateWindow(
                title, Self.centred, Self.centred, Int32(Self.width), Int32(Self.height),
                SDL_WINDOW_SHOWN.rawValue | SDL_WINDOW_RESIZABLE.rawValue
            )
        else {
            let reason = Self.lastError
            SDL_Quit()
            throw .window(reason)
        }
        // Vsync where there is a display to sync to; the frame loop paces itself anyway, so
        // under Xvfb (no vsync) the game still runs at its frame rate.
        let flags = SDL_RENDERER_PRESENTVSYNC.rawValue
        guard
            let renderer = SDL_CreateRenderer(window, -1, flags)
                ?? SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE.rawValue)
        else {
            let reason = Self.lastError
            SDL_DestroyWindow(window)
            SDL_Quit()
            throw .window(reason)
        }
        // A resized window scales the 800 × 600 picture and letterboxes it, so all drawing
        // stays in fixed window pixels.
        SDL_RenderSetLogicalSize(renderer, Int32(Self.width), Int32(Self.height))
        self.window = window
        self.renderer = renderer
    }

    /// Moves the window to its side of the screen (`WindowPlacement`): the host's to the left,
    /// a joiner's to the right, so two windows on one screen (a player trying both sides) do
    /// not hide each other.
    func place(asHost: Bool) {
        var bounds = SDL_Rect()
        guard SDL_GetDisplayUsableBounds(SDL_GetWindowDisplayIndex(window), &bounds) == 0 else { return }
        let origin = WindowPlacement.forWindow(
            width: Self.width, height: Self.height, isHost: asHost,
            screen: (x: Int(bounds.x), y: Int(bounds.y), width: Int(bounds.w), height: Int(bounds.h)))
        SDL_SetWindowPosition(window, Int32(clamping: origin.x), Int32(clamping: origin.y))
    }

    /// Handles the window's pending events; true once the player asked to quit.
    func quitRequested() -> Bool {
        var event = SDL_Event()
        var quit = false
        while SDL_PollEvent(&event) != 0 {
            switch SDL_EventType(event.type) {
            case SDL_QUIT:
                quit = true
            case SDL_KEYDOWN where Self.quitKeys.contains(event.key.keysym.sym):
                quit = true
            default:
                break
            }
        }
        return quit
    }

    /// Shows what was drawn since the last call.
    func present() {
        SDL_RenderPresent(renderer)
    }

    /// Writes what was drawn since the last ``present()`` to `path` as a BMP (SDL's own
    /// format writer, so no image library is needed; convert it to PNG outside).
    func saveScreenshot(to path: String) throws(FrontEndError) {
        var width: Int32 = 0
        var height: Int32 = 0
        SDL_GetRendererOutputSize(renderer, &width, &height)
        let format = SDL_PIXELFORMAT_ARGB8888.rawValue
        guard let surface = SDL_CreateRGBSurfaceWithFormat(0, width, height, Self.bitsPerPixel, format) else {
            throw .screenshot(Self.lastError)
        }
        defer { SDL_FreeSurface(surface) }
        guard SDL_RenderReadPixels(renderer, nil, format, surface.pointee.pixels, surface.pointee.pitch) == 0,
            SDL_SaveBMP_RW(surface, SDL_RWFromFile(path, "wb"), 1) == 0
        else { throw .screenshot(Self.lastError) }
    }

    /// Destroys the window and shuts SDL down. Idempotent.
    func close() {
        guard isOpen else { return }
        isOpen = false
        SDL_DestroyRenderer(renderer)
        SDL_DestroyWindow(window)
        SDL_Quit()
    }

    /// Video drivers that open no visible window: SDL's fallbacks when there is no display.
    private static let windowlessDrivers: Set<String> = ["dummy", "offscreen"]
    /// `SDL_WINDOWPOS_CENTERED`, a function-like macro Swift does not import.
    private static let centred = Int32(bitPattern: SDL_WINDOWPOS_CENTERED_MASK)
    /// 32-bit pixels: the screenshot surface matches `SDL_PIXELFORMAT_ARGB8888`.
    private static let bitsPerPixel: Int32 = 32
    /// q and Escape quit, as in the terminal front end.
    private static let quitKeys: Set<SDL_Keycode> = [SDL_Keycode(SDLK_q.rawValue), SDL_Keycode(SDLK_ESCAPE.rawValue)]

    private static var lastError: String { String(cString: SDL_GetError()) }
}
