import BenchmarkKit
import Netplay

/// The 16-byte message of figures 1, 2 and 4, written as two fixed 64-bit words so it is
/// exactly ``Workload/messageBytes`` on the wire (Codable would varint-compress it and make
/// Netplay's messages smaller than the references').
struct SmallMessage: NetMessage {
    var first: UInt64 = 0
    var second: UInt64 = 0

    init() {}

    func encode(to writer: inout BitWriter) throws(WireError) {
        writer.writeFixed(first)
        writer.writeFixed(second)
    }

    init(from reader: inout BitReader) throws(WireError) {
        first = try reader.readFixed(UInt64.self)
        second = try reader.readFixed(UInt64.self)
    }
}

/// A game-state snapshot of ``Workload/snapshotBytes`` for figure 5.
struct SnapshotMessage: NetMessage {
    var bytes = [UInt8](repeating: 0, count: Workload.snapshotBytes)

    init() {}

    func encode(to writer: inout BitWriter) throws(WireError) {
        writer.writeRawBytes(bytes)
    }

    init(from reader: inout BitReader) throws(WireError) {
        bytes = try reader.readRawBytes(Workload.snapshotBytes)
    }
}

/// One 1 MiB piece of the bulk transfer: a fixed 32-bit length, then the bytes.
struct BulkMessage: NetMessage {
    var bytes: [UInt8]

    init(count: Int) { bytes = [UInt8](repeating: 0, count: count) }

    func encode(to writer: inout BitWriter) throws(WireError) {
        writer.writeFixed(UInt32(bytes.count))
        writer.writeRawBytes(bytes)
    }

    init(from reader: inout BitReader) throws(WireError) {
        let count = Int(try reader.readFixed(UInt32.self))
        // Never trust a length: the bulk figure sends exactly one size.
        guard count <= Workload.bulkMessageBytes else {
            throw WireError(
                .lengthTooLarge(length: UInt64(count), limit: Workload.bulkMessageBytes),
                expected: "bulk message length", at: 0)
        }
        bytes = try reader.readRawBytes(count)
    }
}

/// Every session of the benchmark registers the same types in the same order.
let benchmarkMessages: [any NetMessage.Type] = [SmallMessage.self, SnapshotMessage.self, BulkMessage.self]
/// The game name both sides use (it selects the protocol id).
let benchmarkGame = "netplay-bench"
/// Loopback only, as every figure.
let loopback = "127.0.0.1"
