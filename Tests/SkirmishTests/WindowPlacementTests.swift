import SkirmishNet
import Testing

/// The window front end's placement, checked without a display. The same on a real X server:
/// Examples/SkirmishSDL/Scripts/two-windows.sh reads both windows' positions back from Xvfb.
@Suite("Window placement: host and joiner windows open apart")
struct WindowPlacementTests {
    /// The SDL front end's window size.
    private static let window = (width: 800, height: 600)

    private static func placement(isHost: Bool, screen: (x: Int, y: Int, width: Int, height: Int)) -> WindowPlacement {
        WindowPlacement.forWindow(width: window.width, height: window.height, isHost: isHost, screen: screen)
    }

    @Test("Two windows wide: host's on the left, joiner's on the right, equal gaps, no overlap, centred vertically")
    func sideBySide() {
        let screen = (x: 0, y: 0, width: 1920, height: 1080)
        #expect(Self.placement(isHost: true, screen: screen) == WindowPlacement(x: 106, y: 240))
        #expect(Self.placement(isHost: false, screen: screen) == WindowPlacement(x: 1012, y: 240))
    }

    @Test("The usable area's origin is honoured (a panel on the left or at the top)")
    func offsetScreen() {
        let screen = (x: 64, y: 32, width: 1600, height: 868)
        #expect(Self.placement(isHost: true, screen: screen) == WindowPlacement(x: 64, y: 166))
        #expect(Self.placement(isHost: false, screen: screen) == WindowPlacement(x: 864, y: 166))
    }

    @Test("Narrower than two windows: each keeps to its own edge and they overlap in the middle")
    func overlappingOnALaptopScreen() {
        let screen = (x: 0, y: 0, width: 1366, height: 768)
        #expect(Self.placement(isHost: true, screen: screen) == WindowPlacement(x: 20, y: 84))
        #expect(Self.placement(isHost: false, screen: screen) == WindowPlacement(x: 546, y: 84))
    }

    @Test("About one window wide: a joiner's window cascades down and right of the host's")
    func cascadeOnNarrowScreen() {
        let screen = (x: 0, y: 0, width: 840, height: 700)
        #expect(Self.placement(isHost: true, screen: screen) == WindowPlacement(x: 20, y: 50))
        #expect(Self.placement(isHost: false, screen: screen) == WindowPlacement(x: 68, y: 98))
    }

    @Test("Host and joiner never share a spot, and never overlap where two windows fit, on any screen")
    func neverTheSameSpot() {
        for width in stride(from: 320, through: 3840, by: 40) {
            for height in [240, 600, 768, 1080] {
                let screen = (x: 0, y: 0, width: width, height: height)
                let host = Self.placement(isHost: true, screen: screen)
                let joiner = Self.placement(isHost: false, screen: screen)
                let apart = max(abs(joiner.x - host.x), abs(joiner.y - host.y))
                #expect(apart >= WindowPlacement.minimumSeparation, "screen \(width) × \(height)")
                if width >= 2 * Self.window.width {
                    #expect(joiner.x >= host.x + Self.window.width, "screen \(width) × \(height)")
                    #expect(joiner.x + Self.window.width <= width, "screen \(width) × \(height)")
                }
            }
        }
    }
}
