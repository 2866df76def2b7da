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
/// A message that waits for several peers waits in each one's queue, and its charge counts
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
    /// What the messages waiting are charged against `NetOptions.maxBufferedSendBytes`
    /// (``MessageBytes/queueCharge``), counted once per slot.
    private(set) var charge = 0

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
    mutating func append(_ message: consuming MessageBytes, for slot: Slot) {
        guard !appendIfWaiting(taking: &message, for: slot) else { return }
        let byteCount = message.count
        slots.append(slot)
        queues.append(Backlog())
        queues[queues.count - 1].append(message)
        count += 1
        charge += MessageBytes.queueCharge(forByteCount: byteCount)
    }

    /// Queues `message` behind what waits for `slot`, if anything does, moving its bytes out
    /// (``MessageBytes/take()``); false if nothing does (it may go to its channel at once),
    /// and `message` is left as it was. One search of the slots for both questions.
    mutating func appendIfWaiting(taking message: inout MessageBytes, for slot: Slot) -> Bool {
        guard let index = queueIndex(of: slot) else { return false }
        count += 1
        charge += message.queueCharge
        queues[index].append(message.take())
        return true
    }

    /// Lends each slot's queue to `move`, which offers messages from its front while their
    /// channel has room (``Waiting/offerFirst(_:leaves:)``) and leaves the rest waiting; a queue left
    /// empty is closed. One call a slot, not one a message: `move` looks its peer up once for
    /// a whole run of messages. A streaming sender moves every message through here; a
    /// lookup, a closure call, a copy and a verdict per message cost it some 220 of its 4,200
    /// instructions a message (callgrind, a 16-byte unreliable stream).
    mutating func retry(_ move: (Slot, inout Waiting) -> Void) {
        var index = 0
        while index < slots.count {
            // Taken out while it is worked, so its storage stays uniquely held.
            var waiting = Waiting()
            swap(&waiting.queue, &queues[index])
            move(slots[index], &waiting)
            count -= waiting.removedCount
            charge -= waiting.removedCharge
            if waiting.queue.isEmpty {
                slots.remove(at: index)
                queues.remove(at: index)
            } else {
                swap(&waiting.queue, &queues[index])
                index += 1
            }
        }
    }

    /// One slot's waiting messages, oldest first, lent to ``retry(_:)``'s `move`.
    struct Waiting {
        fileprivate var queue = Backlog<MessageBytes>()
        fileprivate var removedCount = 0
        fileprivate var removedCharge = 0

        /// The oldest message still waiting.
        var first: MessageBytes? { queue.first }

        /// Lends the oldest message to `offer`, which may move its bytes out
        /// (``MessageBytes/take()``), and removes it if `offer`'s answer `leaves` (taken, or
        /// dropped); returns the answer, nil when none waits. Its charge is read before the
        /// offer: a channel that takes the bytes leaves none to count. In place: a copy of
        /// the message (56 bytes and a retain) cost some 50 instructions.
        mutating func offerFirst<Answer>(_ offer: (inout MessageBytes) -> Answer, leaves: (Answer) -> Bool)
            -> Answer?
        {
            guard !queue.isEmpty else { return nil }
            let (answer, charge) = queue.update(at: 0) { message in
                let charge = message.queueCharge
                return (offer(&message), charge)
            }
            if leaves(answer) {
                queue.popFirst()
                noteRemoved(charge: charge)
            }
            return answer
        }

        /// Removes the oldest message (it left: taken by its channel, or dropped).
        mutating func removeFirst() {
            let charge = queue.removeFirst { $0.queueCharge }
            noteRemoved(charge: charge)
        }

        private mutating func noteRemoved(charge: Int) {
            removedCount += 1
            removedCharge += charge
        }

        /// Removes every message (their slot is gone for good: the peer left).
        mutating func removeAll() {
            while !queue.isEmpty { removeFirst() }
        }
    }

    /// Drops everything (the session closed).
    mutating func removeAll() {
        slots.removeAll()
        queues.removeAll()
        count = 0
        charge = 0
    }

    /// The queue index of `slot`. A linear search: the queues are few.
    private func queueIndex(of slot: Slot) -> Int? {
        for index in slots.indices where slots[index] == slot { return index }
        return nil
    }
}
