import Testing

@testable import NetplayChannels

extension ChannelTests {
    /// The channels' queue (message queues, resends, the sent-packet ledger): first in,
    /// first out, whatever the interleaving of appends and removals, as its ring wraps and grows;
    /// a value (copies independent); an element let go of when it leaves.
    @Suite("Backlog")
    struct BacklogTests {
        /// A seeded mix of appends and removals against an array kept beside it: after every
        /// step, the same count, the same front, and the same element at every offset, while
        /// it grows, wraps around its ring, empties and refills.
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

        /// A copy is a value: changing one (append, update, removal, growth) leaves the other
        /// as it was, including when the ring holding both had wrapped.
        @Test func copiesAreIndependent() {
            var original = Backlog<[Int]>()
            // 12 in (a ring of 16), 10 out, 12 in: the live elements wrap past the ring's end.
            for value in 0..<12 { original.append([value]) }
            for _ in 0..<10 { original.popFirst() }
            for value in 12..<24 { original.append([value]) }
            let expected = (10..<24).map { [$0] }
            var copy = original
            copy.update(at: 0) { $0.append(100) }
            copy.popFirst()
            for value in 24..<60 { copy.append([value]) }  // grows the copy's ring
            #expect((0..<original.count).map { original[$0] } == expected)
            #expect((0..<copy.count).map { copy[$0] } == (11..<60).map { [$0] })
            original.update(at: 1) { $0 = [-1] }
            #expect(copy.first == [11])
            #expect(original[1] == [-1] && original[0] == [10])
        }

        /// Four queues and their models, changed at random (append, removal, update) and
        /// copied into one another: every queue always equals its model, whatever storage it
        /// shared, wrapped, grown or copied on the way.
        @Test func randomCopiesStayIndependent() {
            var queues = Array(repeating: Backlog<[Int]>(), count: 4)
            var models = Array(repeating: [[Int]](), count: 4)
            var random = TestRandom(seed: 29)
            for step in 0..<20_000 {
                let which = Int(random.next() % 4)
                switch random.next() % 8 {
                case 0:
                    let source = Int(random.next() % 4)
                    queues[which] = queues[source]
                    models[which] = models[source]
                case 1, 2:
                    if let removed = queues[which].popFirst() { #expect(removed == models[which].removeFirst()) }
                case 3 where !models[which].isEmpty:
                    let offset = Int(random.next() % UInt64(models[which].count))
                    queues[which].update(at: offset) { $0.append(step) }
                    models[which][offset].append(step)
                default:
                    queues[which].append([step])
                    models[which].append([step])
                }
                if step % 101 == 0 {
                    for index in 0..<4 {
                        #expect((0..<queues[index].count).map { queues[index][$0] } == models[index])
                    }
                }
            }
        }

        /// A full ring whose elements wrap past its end grows into one twice its size with
        /// them in order, front first.
        @Test func aWrappedRingGrowsInOrder() {
            var backlog = Backlog<Int>()
            for value in 0..<4 { backlog.append(value) }  // the smallest ring, full
            backlog.popFirst()
            backlog.popFirst()
            backlog.append(4)
            backlog.append(5)  // full again, front at slot 2: 2, 3 | 4, 5 wrapped to slots 0, 1
            for value in 6..<11 { backlog.append(value) }  // grows while wrapped
            #expect((0..<backlog.count).map { backlog[$0] } == Array(2..<11))
            #expect(backlog.popFirst() == 2)
        }

        /// An element is let go of as it leaves (removed, popped), not later, and what is
        /// left when the queue goes is let go of with it, wrapped or not.
        @Test func elementsAreReleasedWhenTheyLeave() {
            var watched: [WeakToken] = []
            do {
                var backlog = Backlog<Token>()
                for _ in 0..<20 {
                    let token = Token()
                    watched.append(WeakToken(token))
                    backlog.append(token)
                }
                #expect(watched.allSatisfy { $0.token != nil })
                backlog.removeFirst { _ in }
                #expect(watched[0].token == nil)
                backlog.popFirst()
                #expect(watched[1].token == nil)
                #expect(watched[2...].allSatisfy { $0.token != nil })
                // Wrap: 18 left in a ring of 32; 14 more go in past its end.
                for _ in 0..<14 {
                    let token = Token()
                    watched.append(WeakToken(token))
                    backlog.append(token)
                }
                #expect(backlog.count == 32)
            }
            #expect(watched.allSatisfy { $0.token == nil })
        }

        final class Token: Sendable {}
        struct WeakToken {
            weak var token: Token?
            init(_ token: Token) { self.token = token }
        }
    }
}
