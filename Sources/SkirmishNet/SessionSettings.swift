import Netplay
import NetplayDrivers

/// How a ``GameSession`` finds, hosts and joins games.
public struct SessionSettings: Sendable {
    /// The game name to advertise and look for (tests use their own, so parallel runs never meet).
    public var gameName = SkirmishProtocol.gameName
    /// The UDP port to host on; 0 picks a free one. If the default port is taken, hosting
    /// falls back to a free port (discovery tells players which). Joining an address typed
    /// without a port uses it too.
    public var port = NetHost.defaultPort
    /// Where discovery advertises and looks; `nil` turns it off (join strings still work).
    public var discovery: LANDiscoveryConfig? = .lan
    /// How long ``GameSession/auto(code:settings:)`` looks for a game before hosting one.
    public var searchTimeout: Duration = .seconds(1)
    /// The name shown in adverts.
    public var hostName = LocalAddresses.hostName()
    /// The local address the host listens on: `nil` for every interface (IPv6 and IPv4),
    /// `"127.0.0.1"` or `"::1"` for this machine only.
    public var interface: String?
    /// Whether the game outlives its host (``SkirmishProtocol/options``): when the host quits,
    /// or is silent for 2 s, the player who joined first takes over. Off, a silent host's
    /// players wait for it (up to the resume grace) and a host that quits ends the game.
    public var hostMigration = true
    /// The program players run, for the host's "Join with: skirmish join NP-…" line.
    public var command = "skirmish"

    /// The session options these settings ask for.
    var netOptions: NetOptions {
        var options = SkirmishProtocol.options
        options.hostMigration = hostMigration
        return options
    }

    /// The default settings: the LAN, port 7777.
    public init() {}

    /// Settings for this machine only: the host listens on 127.0.0.1 and discovery stays on
    /// loopback, so nothing is reachable from the network (tests, several games on one computer).
    public static var loopback: SessionSettings {
        var settings = SessionSettings()
        settings.discovery = .loopback
        settings.interface = loopbackAddress
        return settings
    }

    /// IPv4 loopback: this machine only.
    public static let loopbackAddress = "127.0.0.1"
}
