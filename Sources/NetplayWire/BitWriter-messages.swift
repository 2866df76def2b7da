/// Entry points for coders written by `@NetMessage` (and by hand): a nested value, with the
/// fastest coder it has, and enum cases as the `Codable` path writes them.
extension BitWriter {
    /// Writes a nested message with its own coder: the one `@NetMessage` generated, or the
    /// `Codable` one a plain ``NetMessage`` has.
    @inlinable
    public mutating func write<Message: NetMessage>(_ value: Message) throws(WireError) {
        try enterNested("\(Message.self)")
        defer { depth &-= 1 }
        try value.encode(to: &self)
    }

    /// Writes a ``Quantized`` float in its format's bits (what a generated coder calls for
    /// an `@Quantized` property). Never throws; declared so like every `write` a generated
    /// coder calls, which cannot tell the overloads apart.
    @inlinable
    public mutating func write<Format>(_ value: Quantized<Format>) throws(WireError) {
        writeQuantized(value.wrappedValue, Format.format)
    }

    /// Writes a ``QuantizedAngleWith`` angle in its precision's bits.
    @inlinable
    public mutating func write<Precision>(_ value: QuantizedAngleWith<Precision>) throws(WireError) {
        writeAngle(value.wrappedValue, bits: Precision.bits)
    }

    /// Writes any other `Encodable` value through the binary `Codable` coder: the same bits
    /// a ``NetMessage`` field of that type gets, so a `Codable` type nests in a generated coder.
    public mutating func write<Value: Encodable>(_ value: Value) throws(WireError) {
        try WireEncoder(limits: limits).encode(value, into: &self)
    }

    /// Writes the case of an enum as synthesized `Codable` does: a "named key" bit, then the
    /// case name as a string of at most 64 bytes.
    public mutating func writeEnumCase(_ name: String) throws(WireError) {
        writeBool(false)
        try writeString(name, limits: WireLimits(maxStringBytes: WireKeys.maxKeyBytes))
    }

    /// Counts one more level of nesting, refusing more than ``WireLimits/maxDepth``.
    @usableFromInline
    mutating func enterNested(_ expected: @autoclosure () -> String) throws(WireError) {
        depth &+= 1
        guard depth <= limits.maxDepth else {
            depth &-= 1
            throw WireError(.nestingTooDeep(limit: limits.maxDepth), expected: expected(), at: bitCount)
        }
    }
}
