import NetplayWire

/// One input the client produced for one tick.
package struct TickedInput<Input: Sendable>: Sendable {
    /// The tick the input is for.
    package var tick: Tick
    /// The game's input (buttons, aim…).
    package var input: Input

    /// Creates a ticked input.
    package init(tick: Tick, input: Input) {
        self.tick = tick
        self.input = input
    }
}

extension TickedInput: Equatable where Input: Equatable {}

/// What a client sends the host every tick: the newest snapshot it applied (the ack that
/// makes delta compression possible), its clock for round-trip measurement, and its latest
/// inputs, repeated so that a lost packet loses nothing.
///
/// ```
/// bit      ack present → varuint acknowledged snapshot tick
/// 32 bits  client clock, milliseconds (echoed back in snapshots for RTT)
/// 4 bits   input count n (0…15)
/// varuint  tick of the newest input (if n > 0)
/// n×       oldest first: bit "same as the previous input" (not for the first), else the
///          input encoded by WireEncoder; consecutive inputs have consecutive ticks
/// ```
package struct InputPacket<Input: Codable & Sendable>: Sendable {
    var acknowledged: Tick?
    var clientMilliseconds: UInt32
    /// Oldest first, consecutive ticks.
    package var inputs: [TickedInput<Input>]

    private static var countBits: Int { InputPacketLimits.countBits }

    package func encode(limits: WireLimits) throws(WireError) -> [UInt8] {
        var writer = BitWriter()
        writer.writeBool(acknowledged != nil)
        if let acknowledged { writer.writeVarUInt(UInt64(acknowledged.value)) }
        writer.writeFixed(clientMilliseconds)
        let sent = inputs.suffix(InputPacketLimits.maxInputsPerPacket)
        writer.writeBits(UInt64(sent.count), count: Self.countBits)
        guard let newest = sent.last else { return writer.finish() }
        writer.writeVarUInt(UInt64(newest.tick.value))
        var previous: [UInt8]?
        for ticked in sent {
            let bytes = try WireEncoder(limits: limits).encode(ticked.input)
            if previous != nil {
                writer.writeBool(bytes == previous)
                if bytes == previous { continue }
            }
            try WireEncoder(limits: limits).encode(ticked.input, into: &writer)
            previous = bytes
        }
        return writer.finish()
    }

    package static func decode(_ bytes: [UInt8], limits: WireLimits) throws(WireError) -> InputPacket {
        var reader = BitReader(bytes, limits: limits)
        var acknowledged: Tick?
        if try reader.readBool("ack flag") {
            acknowledged = Tick(try reader.readVarInteger(UInt32.self, "acknowledged tick"))
        }
        let clock = try reader.readFixed(UInt32.self, "client clock")
        let count = Int(try reader.readBits(countBits, "input count"))
        var inputs: [TickedInput<Input>] = []
        if count > 0 {
            let start = reader.bitsRead
            let newest = try reader.readVarInteger(UInt32.self, "newest input tick")
            guard newest >= UInt32(count - 1) else {
                throw WireError(.valueOutOfRange, expected: "input tick", at: start)
            }
            var previous: Input?
            for index in 0..<count {
                let tick = Tick(newest - UInt32(count - 1 - index))
                if let repeated = previous, try reader.readBool("input repeat flag") {
                    inputs.append(TickedInput(tick: tick, input: repeated))
                    continue
                }
                let input = try WireDecoder(limits: limits).decode(Input.self, from: &reader)
                inputs.append(TickedInput(tick: tick, input: input))
                previous = input
            }
        }
        try reader.expectEnd("end of input packet")
        return InputPacket(acknowledged: acknowledged, clientMilliseconds: clock, inputs: inputs)
    }
}

/// Sizes of the input packet's count field.
package enum InputPacketLimits {
    /// Bits of the input count.
    static let countBits = 4
    /// Most inputs one packet carries: what the 4-bit count holds, half a second at 30 Hz.
    static let maxInputsPerPacket = (1 << countBits) - 1
}

/// The host's store of one client's inputs by tick, bounded on both sides of "now" so a
/// hostile client cannot grow it.
package struct InputBuffer<Input: Sendable>: Sendable {
    package private(set) var byTick: [Tick: Input] = [:]

    /// Inputs further ahead than this are refused: about 4 s at 30 Hz, beyond any lead a
    /// client's clock sync could ask for.
    static var maxTicksAhead: Int { 128 }
    /// Inputs are kept this long after their tick, then forgotten.
    static var ticksKeptBehind: Int { 32 }

    package mutating func insert(_ ticked: TickedInput<Input>, hostTick: Tick) {
        guard hostTick.distance(to: ticked.tick) <= Self.maxTicksAhead,
            ticked.tick.distance(to: hostTick) <= Self.ticksKeptBehind
        else { return }
        // First arrival wins: a later copy of the same tick (redundancy) cannot rewrite it.
        if byTick[ticked.tick] == nil { byTick[ticked.tick] = ticked.input }
    }

    mutating func prune(before hostTick: Tick) {
        let oldest = hostTick.advanced(by: -Self.ticksKeptBehind)
        byTick = byTick.filter { $0.key >= oldest }
    }

    /// The input for `tick`, or the latest one before it (the player keeps doing what they did).
    package func input(at tick: Tick) -> Input? {
        if let exact = byTick[tick] { return exact }
        return byTick.filter { $0.key < tick }.max { $0.key < $1.key }?.value
    }
}
