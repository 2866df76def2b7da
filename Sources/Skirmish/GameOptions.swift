import ArgumentParser
import Netplay
import NetplayDrivers
import SkirmishNet

/// Options every way of playing shares.
struct GameOptions: ParsableArguments {
    @Flag(help: "No screen: run without a terminal (with --bot, for tests and soak runs).") var headless = false
    @Flag(help: "Let the built-in bot play your player.") var bot = false
    @Option(help: "Stop after this many seconds (default: until q or Ctrl-C).") var duration: Double?
    @Option(
        help:
            "Write measured figures (ticks, entities, RTT, bandwidth, position differences) to this JSON file at the end."
    )
    var report: String?
    @Option(help: "Where to find and advertise games: lan, loopback (this machine only), none.") var discovery =
        DiscoveryChoice.lan
    @Option(
        help:
            "UDP port: hosting, the one to listen on (0: any free port); joining an address typed without :PORT, the host's port."
    )
    var port = NetHost.defaultPort
    @Flag(
        inversion: .prefixedNo,
        help:
            "When the host quits or is silent for 2 s, the player who joined first takes over (off: players wait for a silent host)."
    )
    var hostMigration = true
    @Option(help: .hidden) var game = SkirmishProtocol.gameName

    func validate() throws {
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        guard (0...Int(UInt16.max)).contains(port) else { throw ValidationError("--port must be 0...65535") }
    }

    /// Whether the player can be asked questions (which game, its join code) before the game
    /// starts: a terminal game, with a terminal.
    var canAsk: Bool { !headless && TerminalScreen.isInteractive }

    var settings: SessionSettings {
        var settings = SessionSettings()
        settings.gameName = game
        settings.port = port
        settings.discovery = discovery.config
        settings.hostMigration = hostMigration
        // A game nobody else can find should not be reachable either.
        if discovery == .loopback { settings.interface = SessionSettings.loopbackAddress }
        return settings
    }
}

/// How `skirmish` looks for games.
enum DiscoveryChoice: String, ExpressibleByArgument, CaseIterable {
    case lan, loopback, none

    var config: LANDiscoveryConfig? {
        switch self {
        case .lan: .lan
        case .loopback: .loopback
        case .none: nil
        }
    }
}
