import BenchmarkKit
import Foundation

// netplay-bench: Netplay side by side with raw UDP, ENet and PodSixNet on loopback.
//
//   netplay-bench [--runs N] [--only rtt,reliable,…] [--contenders netplay,udp,…] [--markdown FILE]
//   netplay-bench host <contender> <idle|load> <clients>    (figure 5's child process)
//   netplay-bench stream <contender> <reliable-ordered|unreliable> <messages>
//                                   (one throughput run, for `run.sh --instructions` under callgrind)
//   netplay-bench pingpong <contender> <round trips>
//                                   (one ping-pong run, for the same)

/// Alternating runs per figure; 7 gives a median robust to two outliers on a shared machine.
let defaultRuns = 7

let arguments = Array(CommandLine.arguments.dropFirst())

// A child host that has already exited (one with no host for a figure answers "n/a" and ends)
// has closed its stdin, and the "quit" written to it then raised SIGPIPE, which ends this
// process without a word: a full run once stopped silently at the memory figure. Ignored,
// the write fails with EPIPE, which `HostProcess.measure` does not mind.
signal(SIGPIPE, SIG_IGN)

if arguments.first == "host" {
    guard arguments.count == 4, let contender = ContenderCatalog.contender(forKey: arguments[1]),
        let mode = HostProcess.Mode(rawValue: arguments[2]), let clients = Int(arguments[3])
    else {
        HostProcess.report("error usage: netplay-bench host <contender> <idle|load> <clients>")
        exit(2)
    }
    do {
        try HostProcess.runChild(contender, mode: mode, clients: clients)
    } catch {
        HostProcess.report("error \(error)")
        exit(1)
    }
    exit(0)
}

if arguments.first == "stream" {
    guard arguments.count == 4, let contender = ContenderCatalog.contender(forKey: arguments[1]),
        let delivery = Delivery(rawValue: arguments[2]), let messages = Int(arguments[3])
    else {
        print("error usage: netplay-bench stream <contender> <reliable-ordered|unreliable> <messages>")
        exit(2)
    }
    do {
        _ = try contender.throughput(delivery, messages: messages)
        // One line run.sh parses: what arrived, to divide the instruction count by.
        print("delivered \(DeliveryCounters.processTotal)")
    } catch {
        print("error \(error)")
        exit(1)
    }
    exit(0)
}

if arguments.first == "pingpong" {
    guard arguments.count == 3, let contender = ContenderCatalog.contender(forKey: arguments[1]),
        let roundTrips = Int(arguments[2]), roundTrips > 0
    else {
        print("error usage: netplay-bench pingpong <contender> <round trips>")
        exit(2)
    }
    do {
        guard let samples = try contender.roundTrips(count: roundTrips, warmUp: 0) else {
            print("error \(contender.name) has no ping-pong")
            exit(1)
        }
        // The same line as `stream`'s: here, the round trips completed.
        print("delivered \(samples.count)")
    } catch {
        print("error \(error)")
        exit(1)
    }
    exit(0)
}

func value(of option: String) -> String? {
    guard let index = arguments.firstIndex(of: option), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let runs = value(of: "--runs").flatMap(Int.init) ?? defaultRuns
let onlyFigures = value(of: "--only").map { Set($0.split(separator: ",").map(String.init)) }
let onlyContenders = value(of: "--contenders").map { Set($0.split(separator: ",").map(String.init)) }
let entries = ContenderCatalog.all().filter { onlyContenders?.contains($0.key) ?? true }
let netplayName = entries.first { $0.key == "netplay" }?.contender.name
let machine = MachineDescription.current()

print("netplay-bench — \(machine)")
if !ContenderCatalog.hasNetplay {
    print("Netplay rows: n/a — this checkout has no public API (Sources/Netplay/API); see Benchmarks/README.md.")
}

let runner = FigureRunner(contenders: entries.map(\.contender))
let variantNames = entries.filter { $0.key.hasPrefix("netplay-") }.map(\.contender.name)
var report = Report(
    contenderNames: entries.map(\.contender.name), netplayName: netplayName, variantNames: variantNames)
for figure in FigureCatalog.all(runs: runs) where onlyFigures?.contains(figure.key) ?? true {
    report.add(figure, runner.run(figure))
    fflush(nil)
}

// Figure 6 (wire and replication) is the main package's own `netplay bench wire` and
// `netplay bench replication`, which run.sh runs after this table: the references have no
// Codable coder or replication layer to put side by side.

let markdown = report.markdown(machine: machine, command: "Benchmarks/run.sh")
print("\n" + markdown)
if let path = value(of: "--markdown") {
    try? markdown.write(toFile: path, atomically: true, encoding: .utf8)
}
