// The only Foundation in the replication layer: the newcomer's approach the benchmark
// compares against. Nothing else in Replication may import it.
import Foundation

/// "JSON of every position": what a newcomer sends before learning about snapshots.
package enum NewcomerJSON {
    private struct Position: Codable {
        var id: UInt32
        var x: Float
        var y: Float
    }

    /// Bytes `JSONEncoder` produces for these positions as an array of objects.
    package static func byteCount(of positions: [(id: UInt32, x: Float, y: Float)]) -> Int {
        let encoded = try? JSONEncoder().encode(positions.map { Position(id: $0.id, x: $0.x, y: $0.y) })
        return encoded?.count ?? 0
    }
}
