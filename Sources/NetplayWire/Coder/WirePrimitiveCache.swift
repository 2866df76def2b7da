import Synchronization

/// Remembers, per type, whether it is a ``WirePrimitive``. A dynamic `as? any WirePrimitive`
/// costs a protocol-conformance lookup on every value; profiling the `Move` benchmark showed
/// that lookup as the largest single cost of the Codable path, and a locked dictionary hit
/// is several times cheaper.
package enum WirePrimitiveCache {
    private static let table = Mutex<[ObjectIdentifier: (any WirePrimitive.Type)?]>([:])

    static func primitive(_ type: Any.Type) -> (any WirePrimitive.Type)? {
        let key = ObjectIdentifier(type)
        if let cached = table.withLock({ $0[key] }) { return cached }
        let resolved = type as? any WirePrimitive.Type
        table.withLock { $0[key] = .some(resolved) }
        return resolved
    }
}
