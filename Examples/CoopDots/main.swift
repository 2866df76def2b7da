// Two players, two dots: `CoopDots` joins a game it finds on the network or hosts one;
// `CoopDots host` hosts, `CoopDots join ADDRESS PORT` joins. WASD moves your dot (O); the
// other player's (o) moves smoothly on your screen; q quits. `--bot` holds right and down for one
// second, `--frames N` prints every dot at frame N and stops (a host once its players left).
import Netplay

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Dot: Codable, Sendable, Interpolatable {
    @Quantized<Field> var x: Float
    @Quantized<Field> var y: Float
    func interpolated(to next: Dot, fraction: Double) -> Dot {
        Dot(x: x + (next.x - x) * Float(fraction), y: y + (next.y - y) * Float(fraction))
    }
    func distance(to other: Dot) -> Double { Double(hypot(x - other.x, y - other.y)) }
    static func step(_ dot: Dot, _ keys: Keys) -> Dot {  // the one rule; host and client both run it
        Dot(x: min(max(dot.x + Float(keys.dx), 0), 39), y: min(max(dot.y + Float(keys.dy), 0), 11))
    }
}
enum Field: QuantizationFormat { static let format = QuantizedFloat(0...40, step: 1.0 / 64) }
struct Keys: Codable, Sendable { var dx: Int8 = 0, dy: Int8 = 0 }

let arguments = CommandLine.arguments
let bot = arguments.contains("--bot")
let frames = arguments.firstIndex(of: "--frames").flatMap { Int(arguments[$0 + 1]) } ?? Int.max / 2

func keys(frame: Int) -> Keys {
    if bot { return frame < 60 ? Keys(dx: 1, dy: 1) : Keys() }  // holds right and down for a second
    var byte: UInt8 = 0
    guard read(0, &byte, 1) == 1 else { return Keys() }
    switch byte {
    case UInt8(ascii: "w"): return Keys(dy: -1)
    case UInt8(ascii: "s"): return Keys(dy: 1)
    case UInt8(ascii: "a"): return Keys(dx: -1)
    case UInt8(ascii: "d"): return Keys(dx: 1)
    case UInt8(ascii: "q"): exit(0)
    default: return Keys()
    }
}

func draw(_ world: NetWorld<Dot, Keys>) {
    var rows = Array(repeating: Array(repeating: Character("."), count: 40), count: 12)
    for dot in world.entities { rows[Int(dot.state.y.rounded())][Int(dot.state.x.rounded())] = dot.isMine ? "O" : "o" }
    print("\u{1B}[H" + rows.map { String($0) }.joined(separator: "\n"))
}

/// Hosts, or joins the address given or the first game found.
func start() async throws -> (NetHost?, NetClient?, NetWorld<Dot, Keys>) {
    let client: NetClient
    if arguments.count > 3, arguments[1] == "join" {
        client = try await NetClient.connect(
            to: arguments[2], port: Int(arguments[3]) ?? 0, game: "coopdots", messages: [])
    } else if arguments.count < 2 || arguments[1] != "host",
        let game = try? await Discovery.first(game: "coopdots", messages: [])
    {
        client = try await NetClient.connect(to: game, messages: [])
    } else {
        let host = try await NetHost.start(game: "coopdots", port: 0, messages: [])
        print("Hosting on port \(host.port): run CoopDots on another machine of this network.")
        fflush(nil)  // out at once, even into a pipe
        return (host, nil, try NetWorld(host: host, step: Dot.step))
    }
    return (nil, client, try NetWorld(client: client, step: Dot.step))
}

do {
    let (host, client, world) = try await start()
    if !bot {
        _ = fcntl(0, F_SETFL, O_NONBLOCK)
        _ = system("stty -icanon -echo; clear")
    }
    if !bot { atexit { _ = system("stty icanon echo") } }
    var frame = 0
    while frame <= frames || (host?.peers.isEmpty == false && frame < frames + 600) {  // a host waits for its players
        for event in host?.poll() ?? client?.poll() ?? [] {
            switch event {
            case .connected(let peer) where host != nil: try world.spawn(Dot(x: 20, y: 6), ownedBy: peer)
            case .disconnected(.host, let reason):
                print(reason)
                exit(1)
            default: break
            }
        }
        world.sendInput(keys(frame: frame))
        world.update()
        if !bot { draw(world) }
        if frame == frames { for dot in world.entities { print("dot \(dot.id) \(dot.state.x) \(dot.state.y)") } }
        frame += 1
        try await Task.sleep(for: .milliseconds(16))  // about 60 frames a second
    }
    await host?.close()
    await client?.close()
} catch {
    print("CoopDots: \(error)")  // says what happened and what to do; no backtrace
    exit(1)
}
