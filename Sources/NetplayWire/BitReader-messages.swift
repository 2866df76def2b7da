/// Entry points for decoders written by `@NetMessage` (and by hand), mirroring
/// `BitWriter-messages.swift`.
extension BitReader {
    /// Reads a nested message with its own decoder. Nesting deeper than the limits allow is a
    /// ``WireError`` (``WireError/Kind/nestingTooDeep(limit:)``), so a recursive type cannot
    /// exhaust the stack on hostile input.
    @inlinable
    public mutating func read<Message: NetMessage>(_ type: Message.Type = Message.self) throws(WireError) -> Message {
        try enterNested("\(Message.self)")
        defer { depth &-= 1 }
        return try Message(from: &self)
    }

    /// Reads a ``Quantized`` float written by ``BitWriter/write(_:)-(Quantized<Format>)``.
    @inlinable
    public mutating func read<Format>(_ type: Quantized<Format>.Type = Quantized<Format>.self) throws(WireError)
        -> Quantized<Format>
    {
        Quantized(wrappedValue: try readQuantized(Format.format, "\(Format.self)"))
    }

    /// Reads a ``QuantizedAngleWith`` angle.
    @inlinable
    public mutating func read<Precision>(
        _ type: QuantizedAngleWith<Precision>.Type = QuantizedAngleWith<Precision>.self
    ) throws(WireError) -> QuantizedAngleWith<Precision> {
        QuantizedAngleWith(wrappedValue: try readAngle(bits: Precision.bits, "angle"))
    }

    /// Reads any other `Decodable` value through the binary `Codable` decoder.
    public mutating func read<Value: Decodable>(_ type: Value.Type = Value.self) throws(WireError) -> Value {
        try WireDecoder(limits: limits).decode(Value.self, from: &self)
    }

    /// Reads an enum case written by ``BitWriter/writeEnumCase(_:)`` and returns its index in
    /// `names`; a case this program does not know is ``WireError/Kind/unknownKey(_:)``.
    public mutating func readEnumCase(_ names: [String], of type: String) throws(WireError) -> Int {
        let start = position
        // Integer keys are how hand-written `CodingKeys: Int` enums travel; no generated enum has them.
        if try readBool("\(type) case kind") {
            let index = try readVarInt("\(type) case index")
            throw WireError(.unknownKey("#\(index)"), expected: type, at: start)
        }
        let name = try readString("\(type) case name", maxBytes: WireKeys.maxKeyBytes)
        guard let index = names.firstIndex(of: name) else {
            throw WireError(.unknownKey(name), expected: type, at: start)
        }
        return index
    }

    /// Reads an enum with raw values as its raw value; one that names no case is
    /// ``WireError/Kind/unknownKey(_:)``.
    public mutating func readEnumRawValue<Value: RawRepresentable>(
        _ type: Value.Type, _ readRawValue: (inout BitReader) throws(WireError) -> Value.RawValue
    ) throws(WireError) -> Value {
        let start = position
        let raw = try readRawValue(&self)
        guard let value = Value(rawValue: raw) else {
            throw WireError(.unknownKey("\(raw)"), expected: "\(Value.self)", at: start)
        }
        return value
    }

    /// Counts one more level of nesting, refusing more than ``WireLimits/maxDepth``.
    @usableFromInline
    mutating func enterNested(_ expected: @autoclosure () -> String) throws(WireError) {
        depth &+= 1
        guard depth <= limits.maxDepth else {
            depth &-= 1
            throw WireError(.nestingTooDeep(limit: limits.maxDepth), expected: expected(), at: position)
        }
    }
}
