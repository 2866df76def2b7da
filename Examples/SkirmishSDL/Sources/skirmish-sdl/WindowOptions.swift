import ArgumentParser
import Netplay
import SkirmishNet

/// Options every mode shares: the terminal `skirmish`'s (where to find games, the port, the
/// bot) and the screenshot hook.
struct WindowOptions: ParsableArguments {
    @Option(
        help: "Where to find and advertise games: lan, loopback (this machine only, and listen on 127.0.0.1), none.")
    var discovery: DiscoveryScope = .lan

    @Option(
        help:
            "UDP port: hosting, the one to listen on (0: any free port); joining an address typed without :PORT, the host's port."
    )
    var port = NetHost.defaultPort

    @Flag(help: "Let the built-in bot play your player (q, Escape and closing the window still quit).")
    var bot = false

    @Option(
        help: ArgumentHelp(
            "Save the window as a BMP file once the game has run --after seconds, then quit.", valueName: "file"))
    var screenshot: String?

    @Option(help: "Seconds of play before --screenshot is taken.")
    var after: Double = WindowOptions.defaultScreenshotDelay

    @Option(help: "With --screenshot: after --after seconds, also wait for at least this many creeps on screen.")
    var minCreeps = 0

    /// Three seconds: long enough for a joined client to fill its jitter buffer and for wave 1's
    /// first creeps to walk in (the first wave starts 1.5 s after the first player joins).
    static let defaultScreenshotDelay = 3.0

    func validate() throws {
        guard after >= 0 else { throw ValidationError("--after must not be negative") }
        guard minCreeps >= 0 else { throw ValidationError("--min-creeps must not be negative") }
        guard (0...Int(UInt16.max)).contains(port) else { throw ValidationError("--port must be 0...65535") }
    }

    /// The session settings these options ask for.
    var settings: SessionSettings {
        var settings = discovery == .loopback ? SessionSettings.loopback : SessionSettings()
        settings.port = port
        settings.discovery = discovery.config
        settings.command = "skirmish-sdl"
        return settings
    }
}

/// Where discovery runs, as typed on the command line (the terminal front end's choices).
enum DiscoveryScope: String, ExpressibleByArgument, CaseIterable {
    case lan
    case loopback
    case none

    var config: LANDiscoveryConfig? {
        switch self {
        case .lan: .lan
        case .loopback: .loopback
        case .none: nil
        }
    }
}
