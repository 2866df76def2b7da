// Two programs exchanging a message: `HelloNetplay host`, then `HelloNetplay join [address]`.
import Netplay

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@NetMessage struct Greeting { var text: String }

let game = "hello-netplay"
let arguments = Array(CommandLine.arguments.dropFirst())

do {
    if arguments.first == "join" {  // no address: find the host on the LAN
        let client =
            arguments.count == 2
            ? try await NetClient.connect(to: arguments[1], game: game, messages: [Greeting.self])
            : try await NetClient.connect(
                to: Discovery.first(game: game, messages: [Greeting.self]), messages: [Greeting.self])
        try client.send(Greeting(text: "Hello from a client!"))
        while client.isConnected {  // a game loop: poll once a frame
            for event in client.poll() {
                if case .message(let greeting as Greeting, _) = event {
                    print("The host says: \(greeting.text)")
                    await client.close()  // tells the host, then frees the socket
                }
            }
            try await Task.sleep(for: .milliseconds(16))  // one 60 Hz frame
        }
    } else {
        let host = try await NetHost.start(game: game, messages: [Greeting.self])
        print("Hosting on port \(host.port). Join with: HelloNetplay join (or: HelloNetplay join <address>)")
        for await event in host.events {  // async code: the events sequence
            switch event {
            case .message(let greeting as Greeting, from: let peer) where !peer.isHost:
                print("\(peer) says: \(greeting.text)")
                try host.send(Greeting(text: "Welcome, \(peer)!"), to: .peer(peer))
            case .disconnected(let peer, let reason) where !peer.isHost:
                print("\(peer) left: \(reason)")
            default:
                break
            }
        }
    }
} catch {
    // Every Netplay error says what happened and what to do; print it and stop, no backtrace.
    print("HelloNetplay: \(error)")
    exit(1)
}
