/// Caps applied to every untrusted length before it is used.
///
/// The defaults suit game messages; raise them per registry or per decode for bulk data.
/// Each length is also checked against the bytes actually left in the input, so a 4-byte
/// packet can never make the reader reserve a megabyte.
@usableFromInline package struct WireLimits: Sendable, Hashable {
    /// Longest string, in UTF-8 bytes.
    var maxStringBytes: Int
    /// Longest byte blob.
    var maxBlobBytes: Int
    /// Most elements in an array, set or dictionary.
    package var maxElements: Int
    /// Deepest nesting of structs, enums and collections (bounds recursion on hostile input).
    @usableFromInline var maxDepth: Int

    /// Creates limits.
    package init(maxStringBytes: Int = 4096, maxBlobBytes: Int = 1 << 20, maxElements: Int = 65_536, maxDepth: Int = 32)
    {
        self.maxStringBytes = maxStringBytes
        self.maxBlobBytes = maxBlobBytes
        self.maxElements = maxElements
        self.maxDepth = maxDepth
    }

    /// The limits used unless a caller passes others.
    @usableFromInline package static let `default` = WireLimits()
}
