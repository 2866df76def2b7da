import ArgumentParser
import Netplay

/// The `netplay` command-line tool: discovery, hosting, pinging, streaming, soaking and benchmarks.
@main
struct NetplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netplay",
        abstract: "Find, host, test and measure Netplay games.",
        subcommands: [
            DiscoverCommand.self, HostCommand.self, PingCommand.self, StreamCommand.self, SoakCommand.self,
            BenchCommand.self,
            FuzzCommand.self, AttackCommand.self, VectorsCommand.self,
        ]
    )
}
