/// A first-in first-out queue with O(1) amortized append and removal at the front.
///
/// The standard library has no deque and this layer takes no dependencies; an array with a
/// moving head, compacted once the dead prefix outweighs the live part, is enough for queues
/// that are mostly appended at the back and consumed at the front.
package struct Backlog<Element: Sendable>: Sendable {
    private var storage: [Element] = []
    private var head = 0

    package var count: Int { storage.count - head }
    package var isEmpty: Bool { head == storage.count }
    package var first: Element? { isEmpty ? nil : storage[head] }

    package mutating func append(_ element: Element) { storage.append(element) }

    @discardableResult
    package mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        return removeFirst { $0 }
    }

    /// Removes the first element, which must exist, after `body` has had it in place: to move
    /// something out of it without copying the element (and retaining what it holds), since
    /// the storage keeps a removed element until it is compacted.
    package mutating func removeFirst<Result>(_ body: (inout Element) -> Result) -> Result {
        let result = body(&storage[head])
        head += 1
        dropDeadPrefix()
        return result
    }

    private mutating func dropDeadPrefix() {
        if head == storage.count {
            storage.empty()
            head = 0
        } else if head >= Self.compactionThreshold, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    /// The element `offset` places from the front (`0` is ``first``).
    package subscript(offset: Int) -> Element { storage[head + offset] }

    /// Changes the element `offset` places from the front in place: a get-then-set copied the
    /// element (and retained its arrays) per update. A function, not a `_modify` accessor:
    /// unspecialized (debug builds), the accessor's coroutine frame was heap-allocated at
    /// every use, one allocation per acknowledged packet and message.
    package mutating func update<Result>(at offset: Int, _ body: (inout Element) -> Result) -> Result {
        body(&storage[head + offset])
    }

    /// Dead prefix length below which compaction is not worth a copy.
    private static var compactionThreshold: Int { 64 }
}
