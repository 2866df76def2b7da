import Logging
import NetplayBase
import NetplayProtocol

/// What a session tells the game's ``NetOptions/logger``: when peers come and go and why,
/// and which datagrams it had to drop. Only state changes are logged, never per message, so
/// the data path costs nothing extra whatever the log level.
extension NetSession {
    /// How often dropped-datagram counts are summarised (only when they grew).
    static let dropLogInterval = Duration.seconds(5)

    /// Logs the lifecycle events among `events`.
    func log(_ events: [NetEvent]) {
        // Lifecycle records are info and notice; below that (the silent default) skip even the scan.
        guard options.logger.logLevel <= .info else { return }
        let logger = options.logger
        for index in events.indices {
            let event = events[index]
            switch event {
            case .connected(let peer):
                logger.info("connected", metadata: ["peer": "\(peer)"])
            case .disconnected(let peer, let reason):
                logger.log(
                    level: reason.isOrdinary ? .info : .notice, "disconnected",
                    metadata: ["peer": "\(peer)", "reason": "\(reason)"])
            case .interrupted(let peer):
                logger.notice("interrupted: nothing heard, waiting for it", metadata: ["peer": "\(peer)"])
            case .resumed(let peer):
                logger.info("resumed", metadata: ["peer": "\(peer)"])
            case .hostChanged(let peer):
                logger.notice("the host left; another player took over", metadata: ["new host": "\(peer)"])
            case .message:
                break
            }
        }
    }

    /// Every `dropLogInterval`, summarises the endpoint's dropped datagrams if their count
    /// grew and the logger takes notices. The clock is checked first: it runs at every tick,
    /// and asking the logger its level copies its handler out of the logger's storage (about
    /// 170 instructions, against a lock and a comparison).
    func logDropsIfDue(now: NetInstant) {
        let due = dropLog.withLock { log in
            guard now >= log.next else { return false }
            log.next = now + Self.dropLogInterval
            return true
        }
        guard due, options.logger.logLevel <= .notice else { return }
        let drops = withCore { $0.host?.drops ?? $0.client?.drops ?? DropCounters() }
        let previous = dropLog.withLock { log in
            defer { log.total = drops.total }
            return log.total
        }
        guard drops.total > previous else { return }
        options.logger.notice(
            "dropped datagrams", metadata: ["new": "\(drops.total - previous)", "by reason": "\(drops)"])
    }
}

extension DisconnectReason {
    /// Whether this is how sessions normally end (someone closed it), as opposed to a
    /// failure worth a user's attention (timeouts, refusals, errors).
    var isOrdinary: Bool {
        switch self {
        case .closedLocally, .closedByPeer, .hostShutDown: return true
        default: return false
        }
    }
}
