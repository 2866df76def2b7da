/// A first-in first-out queue with amortized O(1) append and O(1) removal at the front: a ring
/// buffer.
///
/// The standard library has no deque and this layer takes no dependencies. An array with a
/// moving head, compacted once the dead prefix outweighed the live part, made a streaming
/// reliable sender pay for the compaction about once per message (some 130 instructions,
/// callgrind; Benchmarks/HISTORY.md). A ring moves nothing: an element is destroyed when it
/// leaves, and its slot serves the next.
///
/// A value type: the storage is shared between copies and copied before any of them changes
/// it (as an array's is). Empty and never used, it holds no storage at all.
///
/// `@inlinable` throughout, and the types `@usableFromInline` (without it, Swift 6.3 inlines a
/// `package` type's `@inlinable` members into no other module), so that each user
/// specializes it: the API layer's backlog of waiting messages, in another module, called it
/// unspecialized, and looked its generic metadata up at run time at every append and removal
/// (5 % of a streaming sender's thread).
@usableFromInline
package struct Backlog<Element: Sendable> {
    @usableFromInline var ring: RingStorage<Element>?

    @inlinable package init() {}

    @inlinable package var count: Int { ring?.withUnsafeMutablePointerToHeader { $0.pointee.count } ?? 0 }
    @inlinable package var isEmpty: Bool { count == 0 }
    @inlinable package var first: Element? { isEmpty ? nil : self[0] }

    /// `consuming`, and its initialization of the slot its last use: the element moves in.
    @inlinable package mutating func append(_ element: consuming Element) {
        makeWritable(forOneMore: true)
        // Moved through an optional: a closure cannot consume a parameter it captures.
        var arriving = Optional(element)
        ring.unsafelyUnwrapped.withUnsafeMutablePointers { header, elements in
            (elements + header.pointee.slot(header.pointee.count)).initialize(to: arriving.take()!)
            header.pointee.count &+= 1
        }
    }

    @discardableResult
    @inlinable package mutating func popFirst() -> Element? {
        guard !isEmpty else { return nil }
        makeWritable(forOneMore: false)
        return ring.unsafelyUnwrapped.withUnsafeMutablePointers { header, elements in
            let element = (elements + header.pointee.head).move()
            header.pointee.dropFront()
            return element
        }
    }

    /// Removes the first element, which must exist, after `body` has had it in place: to move
    /// something out of it without copying the element (and retaining what it holds).
    @inlinable package mutating func removeFirst<Result>(_ body: (inout Element) -> Result) -> Result {
        precondition(!isEmpty, "removeFirst from an empty Backlog")
        makeWritable(forOneMore: false)
        return ring.unsafelyUnwrapped.withUnsafeMutablePointers { header, elements in
            let front = elements + header.pointee.head
            let result = body(&front.pointee)
            front.deinitialize(count: 1)
            header.pointee.dropFront()
            return result
        }
    }

    /// The element `offset` places from the front (`0` is ``first``).
    @inlinable package subscript(offset: Int) -> Element {
        read(at: offset) { $0 }
    }

    /// Reads `property` of the element `offset` places from the front, in place: without a
    /// copy of the whole element.
    @inlinable package func read<Value>(at offset: Int, _ property: (Element) -> Value) -> Value {
        precondition(offset >= 0 && offset < count, "offset \(offset) outside the Backlog")
        return ring.unsafelyUnwrapped.withUnsafeMutablePointers { header, elements in
            property(elements[header.pointee.slot(offset)])
        }
    }

    /// Changes the element `offset` places from the front in place: a get-then-set copied the
    /// element (and retained its arrays) per update. A function, not a `_modify` accessor:
    /// unspecialized (debug builds), the accessor's coroutine frame was heap-allocated at
    /// every use, one allocation per acknowledged packet and message.
    @inlinable package mutating func update<Result>(at offset: Int, _ body: (inout Element) -> Result) -> Result {
        precondition(offset >= 0 && offset < count, "offset \(offset) outside the Backlog")
        makeWritable(forOneMore: false)
        return ring.unsafelyUnwrapped.withUnsafeMutablePointers { header, elements in
            body(&elements[header.pointee.slot(offset)])
        }
    }

    /// Makes the storage this value's alone (copied first if shared), with room for one more
    /// element if `forOneMore`. Through pointers to the header, never its property: a class's
    /// stored property is checked for exclusive access at run time, some 100 instructions a
    /// use (callgrind).
    @inlinable mutating func makeWritable(forOneMore: Bool) {
        let unique = isKnownUniquelyReferenced(&ring)
        if unique, !forOneMore || ring.unsafelyUnwrapped.withUnsafeMutablePointerToHeader({ !$0.pointee.isFull }) {
            return
        }
        replaceRing(forOneMore: forOneMore, unique: unique)
    }

    /// A new storage for ``makeWritable(forOneMore:)``: the elements moved (a full ring held
    /// alone, `unique`, into twice the room) or copied (a shared one).
    @inlinable @inline(never) mutating func replaceRing(forOneMore: Bool, unique: Bool) {
        var capacity = RingStorage<Element>.minimumCapacity
        if let ring {
            capacity = ring.withUnsafeMutablePointerToHeader { header in
                forOneMore && header.pointee.isFull ? header.pointee.capacity &* 2 : header.pointee.capacity
            }
        }
        ring = RingStorage<Element>.make(capacity: capacity, from: ring, moving: unique)
    }
}

// Why `@unchecked` is sound: a `Backlog` shares its `RingStorage` (a class) only with its own
// copies, and every change first makes the storage its own (`makeWritable(forOneMore:)`:
// `isKnownUniquelyReferenced`, as the standard library's collections do), so two copies never
// see each other's changes, and a storage reachable from two values, or two threads, is only
// ever read. The elements are `Sendable`.
extension Backlog: @unchecked Sendable {}

/// Where the ring's live elements are: `count` of them from slot `head` on, wrapping at
/// `capacity`, a power of two.
@usableFromInline
struct RingHeader {
    @usableFromInline var head: Int
    @usableFromInline var count: Int
    @usableFromInline let capacity: Int

    @inlinable init(capacity: Int) {
        head = 0
        count = 0
        self.capacity = capacity
    }

    @inlinable var isFull: Bool { count == capacity }

    /// The slot of the element `offset` places from the front.
    @inlinable func slot(_ offset: Int) -> Int { (head &+ offset) & (capacity &- 1) }

    /// Forgets the front element (already moved out or destroyed).
    @inlinable mutating func dropFront() {
        head = slot(1)
        count &-= 1
    }
}

/// The elements of a ``Backlog``, in a ring.
@usableFromInline
final class RingStorage<Element>: ManagedBuffer<RingHeader, Element> {
    /// The smallest ring made: most queues hold a few elements at a time, and a connection
    /// that sends little keeps little (an array's first room was one element).
    @inlinable static var minimumCapacity: Int { 4 }

    /// A ring of `capacity` slots (a power of two) holding `source`'s elements in order from
    /// slot 0, moved out of it if `moving` (it is then left empty), else copied.
    @inlinable static func make(
        capacity: Int, from source: RingStorage<Element>?, moving: Bool
    ) -> RingStorage<Element> {
        let made = unsafeDowncast(
            RingStorage<Element>.create(minimumCapacity: capacity) { _ in RingHeader(capacity: capacity) },
            to: RingStorage<Element>.self)
        guard let source else { return made }
        made.withUnsafeMutablePointers { header, elements in
            source.withUnsafeMutablePointers { sourceHeader, sourceElements in
                let count = sourceHeader.pointee.count
                // The live elements in at most two runs: from the head to the end, then from slot 0.
                let firstRun = min(count, sourceHeader.pointee.capacity &- sourceHeader.pointee.head)
                func carry(from: Int, to: Int, length: Int) {
                    guard length > 0 else { return }
                    if moving {
                        (elements + to).moveInitialize(from: sourceElements + from, count: length)
                    } else {
                        (elements + to).initialize(from: sourceElements + from, count: length)
                    }
                }
                carry(from: sourceHeader.pointee.head, to: 0, length: firstRun)
                carry(from: 0, to: firstRun, length: count &- firstRun)
                header.pointee.count = count
                if moving {
                    sourceHeader.pointee.head = 0
                    sourceHeader.pointee.count = 0
                }
            }
        }
        return made
    }

    deinit {
        withUnsafeMutablePointers { header, elements in
            let count = header.pointee.count
            let firstRun = min(count, header.pointee.capacity &- header.pointee.head)
            (elements + header.pointee.head).deinitialize(count: firstRun)
            elements.deinitialize(count: count &- firstRun)
        }
    }
}
