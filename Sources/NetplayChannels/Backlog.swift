import NetplayBase

/// A first-in first-out queue with O(1) amortized append and removal at the front.
///
/// The standard library has no deque and this layer takes no dependencies; an array with a
/// moving head, compacted once the dead prefix outweighs the live part, is enough for queues
/// that are mostly appended at the back and consumed at the front.
///
/// `@inlinable` throughout, and the type `@usableFromInline` (without it, Swift 6.3 inlines a
/// `package` type's `@inlinable` members into no other module), so that each user
/// specializes it: the API layer's backlog of waiting messages, in another module, called it
/// unspecialized, and looked its generic metadata up at run time at every append and removal
/// (5 % of a streaming sender's thread).
@usableFromInline
package struct Backlog<Element: Sendable>: Sendable {
    @usableFromInline var storage: [Element] = []
    @usableFromInline var head = 0

    @inlinable package init() {}

    @inlinable package var count: Int { storage.count - head }
    @inlinable package var isEmpty: Bool { head == storage.count }
    @inlinable package var first: Element? { isEmpty ? nil : storage[head] }

    /// `consuming`, and the storage's append its last use: the element moves in.
    @inlinable package mutating func append(_ element: consuming Element) { storage.append(element) }

    @discardableResult
    @inlinable package mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        return removeFirst { $0 }
    }

    /// Removes the first element, which must exist, after `body` has had it in place: to move
    /// something out of it without copying the element (and retaining what it holds), since
    /// the storage keeps a removed element until it is compacted.
    @inlinable package mutating func removeFirst<Result>(_ body: (inout Element) -> Result) -> Result {
        let result = body(&storage[head])
        head += 1
        dropDeadPrefix()
        return result
    }

    @inlinable mutating func dropDeadPrefix() {
        if head == storage.count {
            storage.empty()
            head = 0
        } else if head >= Self.compactionThreshold, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    /// The element `offset` places from the front (`0` is ``first``).
    @inlinable package subscript(offset: Int) -> Element { storage[head + offset] }

    /// Changes the element `offset` places from the front in place: a get-then-set copied the
    /// element (and retained its arrays) per update. A function, not a `_modify` accessor:
    /// unspecialized (debug builds), the accessor's coroutine frame was heap-allocated at
    /// every use, one allocation per acknowledged packet and message.
    @inlinable package mutating func update<Result>(at offset: Int, _ body: (inout Element) -> Result) -> Result {
        body(&storage[head + offset])
    }

    /// Dead prefix length below which compaction is not worth a copy.
    @inlinable static var compactionThreshold: Int { 64 }
}
