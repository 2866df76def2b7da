import Testing

@testable import NetplayChannels

extension ChannelTests {
    /// The channels' queue (message queues, resends, the sent-packet ledger): first in,
    /// first out, whatever the interleaving of appends and removals, through compaction.
    @Suite("Backlog")
    struct BacklogTests {
        /// A seeded mix of appends and removals against an array kept beside it: after every
        /// step, the same count, the same front, and the same element at every offset, while
        /// it grows, compacts its dead prefix, empties and refills.
        @Test func aRandomMixKeepsFirstInFirstOutOrder() {
            var backlog = Backlog<[Int]>()
            var model: [[Int]] = []
            var random = TestRandom(seed: 11)
            var next = 0
            for step in 0..<4_000 {
                // Phases that mostly append, then mostly remove, so it both grows and drains.
                let appending = (step / 500) % 2 == 0 ? random.next() % 4 != 0 : random.next() % 4 == 0
                if appending {
                    backlog.append([next, next])
                    model.append([next, next])
                    next += 1
                } else if !model.isEmpty {
                    let removed = backlog.removeFirst { $0 }
                    #expect(removed == model.removeFirst())
                } else {
                    #expect(backlog.popFirst() == nil)
                }
                #expect(backlog.count == model.count)
                #expect(backlog.first == model.first)
                if step % 97 == 0 {
                    #expect((0..<backlog.count).map { backlog[$0] } == model)
                }
            }
            while let first = backlog.popFirst() { #expect(first == model.removeFirst()) }
            #expect(model.isEmpty && backlog.isEmpty)
        }

        /// `update` changes the element in place; `removeFirst` hands the element to its body
        /// before it leaves the queue.
        @Test func updateAndRemoveFirstWorkInPlace() {
            var backlog = Backlog<[Int]>()
            for value in 0..<5 { backlog.append([value]) }
            backlog.update(at: 3) { $0.append(30) }
            #expect(backlog[3] == [3, 30])
            let moved = backlog.removeFirst { element -> [Int] in
                defer { element = [] }
                return element
            }
            #expect(moved == [0])
            #expect(backlog.first == [1])
            #expect(backlog.count == 4)
        }
    }
}
