import NetplayChannels
import NetplayWire

/// Messages a full channel could not take yet: a first-in first-out queue for each channel
/// of each peer that has one (a *slot*). A later message for a slot waits behind its queue;
/// nothing else does.
///
/// One list of every waiting message, retried whole at every tick, was most of a streaming
/// sender's CPU: a game that streams faster than its link leaves tens of thousands of
/// messages waiting for one slot, and each tick copied every one of them only to find its
/// slot still full. Per slot, a retry moves messages while they fit and stops at the first
/// that does not.
///
/// A message that waits for several peers waits in each one's queue, and its bytes count
/// once for each (``NetOptions/maxBufferedSendBytes``). The queues are kept in the order they
/// opened; there are rarely more than a few (a stream's one full channel, the peers a host's
/// broadcast is ahead of).
struct SendBacklog: Sendable {
    /// One channel of one peer.
    struct Slot: Hashable, Sendable {
        var peer: NetPeer
        var channel: ChannelID
    }

    private var slots: [Slot] = []
    private var queues: [Backlog<MessageBytes>] = []
    /// Messages waiting, counted once per slot.
    private(set) var count = 0
    /// Bytes of the messages waiting, counted once per slot.
    private(set) var bytes = 0

    var isEmpty: Bool { slots.isEmpty }

    /// Whether messages wait for `slot`: a message for it must queue behind them.
    func contains(_ slot: Slot) -> Bool { queueIndex(of: slot) != nil }

    /// The slot whose queue opened first, and the size of its oldest message.
    var first: (slot: Slot, byteCount: Int)? {
        guard let message = queues.first?.first else { return nil }
        return (slots[0], message.count)
    }

    /// Whether `body` holds for some slot, given the size of its oldest message.
    func containsHead(where body: (Slot, Int) -> Bool) -> Bool {
        for index in slots.indices {
            guard let oldest = queues[index].first else { continue }
            if body(slots[index], oldest.count) { return true }
        }
        return false
    }

    /// Queues `message` for `slot`, behind what already waits for it.
    mutating func append(_ message: MessageBytes, for slot: Slot) {
        count += 1
        bytes += message.count
        if let index = queueIndex(of: slot) {
            queues[index].append(message)
            return
        }
        slots.append(slot)
        var queue = Backlog<MessageBytes>()
        queue.append(message)
        queues.append(queue)
    }

    /// Offers each slot's messages, oldest first, to `move` until it refuses one, which stays
    /// first; a slot whose queue empties is closed. `move` answers ``Retry``.
    mutating func retry(_ move: (Slot, MessageBytes) -> Retry) {
        var index = 0
        while index < slots.count {
            retry(queueAt: index, move)
            if queues[index].isEmpty {
                slots.remove(at: index)
                queues.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    /// What became of a waiting message offered by ``retry(_:)``.
    enum Retry {
        /// It left the backlog (taken by its channel, or dropped); the next one is offered.
        case moved
        /// Its channel is still full: it and the rest of its slot's queue wait.
        case waits
        /// Its slot is gone for good (the peer left): the whole queue is dropped.
        case dropsSlot
    }

    private mutating func retry(queueAt index: Int, _ move: (Slot, MessageBytes) -> Retry) {
        let slot = slots[index]
        while let message = queues[index].first {
            switch move(slot, message) {
            case .moved:
                removeFirst(ofQueueAt: index)
            case .waits:
                return
            case .dropsSlot:
                while !queues[index].isEmpty { removeFirst(ofQueueAt: index) }
                return
            }
        }
    }

    /// Removes the oldest message of a queue. Its storage is let go of in place: the queue
    /// keeps a removed element until it compacts, and would keep a long message's array alive.
    private mutating func removeFirst(ofQueueAt index: Int) {
        let removed = queues[index].removeFirst { message in
            defer { message.releaseStorage() }
            return message.count
        }
        count -= 1
        bytes -= removed
    }

    /// Drops everything (the session closed).
    mutating func removeAll() {
        slots.removeAll()
        queues.removeAll()
        count = 0
        bytes = 0
    }

    /// The queue index of `slot`. A linear search: the queues are few.
    private func queueIndex(of slot: Slot) -> Int? {
        for index in slots.indices where slots[index] == slot { return index }
        return nil
    }
}
