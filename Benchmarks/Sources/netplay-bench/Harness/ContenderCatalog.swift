import BenchmarkKit

#if canImport(NetplayContenders)
import NetplayContenders
#endif

/// Every contender, by the key the command line and the host child process use.
enum ContenderCatalog {
    static func all() -> [(key: String, contender: any Contender)] {
        var list: [(key: String, contender: any Contender)] = []
        #if canImport(NetplayContenders)
        list.append(("netplay", NetplayContender()))
        list.append(("netplay-executor", NetplayContender(front: .networkExecutor)))
        list.append(("netplay-poll", NetplayContender(front: .poll)))
        list.append(("netplay-game-thread", NetplayContender(front: .gameThread)))
        #endif
        list.append(("udp", RawUDPContender()))
        list.append(("enet", ENetContender()))
        list.append(("podsixnet", PodSixNetContender()))
        return list
    }

    /// Whether the Netplay rows can be measured (the checkout has the public API).
    static var hasNetplay: Bool {
        #if canImport(NetplayContenders)
        return true
        #else
        return false
        #endif
    }

    static func key(of contender: any Contender) -> String {
        all().first { $0.contender.name == contender.name }?.key ?? contender.name
    }

    static func contender(forKey key: String) -> (any Contender)? {
        all().first { $0.key == key }?.contender
    }
}
