/// Helpers for tests of storage reuse (stashes, pools, writers that fill a kept buffer): where
/// an array's storage lies, to check that the same storage comes back, and byte arrays made
/// with exactly the room they need.
enum StorageFixtures {
    /// The address of `array`'s storage (nil for an array without storage of its own).
    static func storage<Element>(of array: [Element]) -> UnsafeRawPointer? {
        array.withUnsafeBytes { $0.baseAddress }
    }

    /// `count` bytes of `value`, in an array of their own with room for `count`.
    static func bytes(_ count: Int, value: UInt8) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        bytes.append(contentsOf: repeatElement(value, count: count))
        return bytes
    }
}
