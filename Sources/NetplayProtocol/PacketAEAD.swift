#if canImport(CCryptoBoringSSL)
internal import CCryptoBoringSSL

/// ChaCha20-Poly1305 through BoringSSL's AEAD interface, the implementation that
/// swift-crypto's `ChaChaPoly` itself calls on Linux, without the wrapping around it.
///
/// swift-crypto's seal and open cost 14,500 and 10,200 instructions for a 30-byte packet,
/// where the cipher and MAC are about 1,100: each call allocates a context object, gathers its
/// input into `Data`, returns fresh `Data` for the ciphertext and the tag, and (seal) joins
/// nonce, ciphertext and tag into a third. Here, with the context on the stack, a packet is
/// sealed in place in its own buffer (no allocation) and opened into one array. The algorithm, key, nonce and
/// associated data are the same, so are the bytes: tests check every seal and open against
/// swift-crypto's (see ``PacketKey/swiftCryptoSeal(inPlace:from:purpose:sequence:)``).
///
/// BoringSSL is swift-crypto's own vendored copy (`CCryptoBoringSSL`), not a dependency of
/// ours: swift-crypto does not export it as a product, so this relies on its module being
/// importable by the targets that depend on `Crypto`, as SwiftPM makes it. Where it is not
/// (Apple platforms, where swift-crypto uses CryptoKit), ``PacketKey`` calls `ChaChaPoly`.
enum PacketAEAD {
    /// Whether this thread's BoringSSL error queue is empty (tests: a refused packet must not
    /// leave an error behind for swift-crypto to read).
    package static var errorQueueIsEmpty: Bool { CCryptoBoringSSL_ERR_peek_error() == 0 }

    /// Encrypts `bytes[start...]` in place and appends the tag over it and the associated data
    /// `bytes[..<start]`. Reserve the tag's room beforehand and the array is not reallocated.
    static func seal(
        _ bytes: inout [UInt8], from start: Int, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer
    ) {
        // Callers pass a fixed header size; anything else would hand C a negative length.
        precondition(start >= 0 && start <= bytes.count, "sealing from \(start) of \(bytes.count) bytes")
        let plainCount = bytes.count - start
        // Room for the tag, which the seal writes.
        withUnsafeBytes(of: (UInt64(0), UInt64(0))) { bytes.append(contentsOf: $0) }
        let written = withContext(key: key) { context -> Int? in
            bytes.withUnsafeMutableBufferPointer { buffer -> Int? in
                guard let base = buffer.baseAddress else { return nil }
                var written = 0
                let sealed = CCryptoBoringSSL_EVP_AEAD_CTX_seal(
                    context, base + start, &written, plainCount + FieldSize.tag,
                    nonce.baseAddress?.assumingMemoryBound(to: UInt8.self), nonce.count,
                    base + start, plainCount, base, start)
                return sealed == 1 ? written : nil
            }
        }
        // Only a key or nonce of the wrong length fails, and both are fixed-size here.
        precondition(written == plainCount + FieldSize.tag, "BoringSSL refused to seal a packet")
    }

    /// The plaintext of `datagram[start...]` (ciphertext then tag), with `datagram[..<start]`
    /// as the associated data, or nil if it is not authentic (or `start` leaves no room for a
    /// tag). The plaintext replaces whatever `buffer` held (storage an earlier packet left,
    /// for its room; else one allocation).
    static func open(
        _ datagram: [UInt8], sealedFrom start: Int, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        into buffer: consuming [UInt8] = []
    ) -> [UInt8]? {
        let sealedCount = datagram.count - start
        guard start >= 0, sealedCount >= FieldSize.tag else { return nil }
        let plainCount = sealedCount - FieldSize.tag
        var plain = consume buffer
        // Room for the plaintext, and one byte at least, so the buffer has an address to write
        // to even when the plaintext is empty (one allocation for a new buffer, not two).
        if plain.capacity < max(plainCount, 1) {
            plain.empty()
            plain.reserveCapacity(max(plainCount, 1))
        }
        // The ciphertext without its tag, over whatever the buffer held: only to give the
        // array its length; the open below writes the plaintext over it, out of place, from
        // the datagram (where an open in place copied the tag too, then cut it off again).
        // One call: emptied, then appended to, it cost some 50 instructions more.
        plain.replaceSubrange(plain.indices, with: datagram[start..<(start + plainCount)])
        let written = withContext(key: key) { context -> Int? in
            datagram.withUnsafeBufferPointer { sealed -> Int? in
                plain.withUnsafeMutableBufferPointer { buffer -> Int? in
                    guard let out = buffer.baseAddress, let datagramBase = sealed.baseAddress else { return nil }
                    var written = 0
                    // Room for the plaintext alone: BoringSSL's header asks for `in_len`, but
                    // ChaCha20-Poly1305's open (`open_gather`) checks only for the plaintext,
                    // and the tests open every length against swift-crypto's.
                    let opened = CCryptoBoringSSL_EVP_AEAD_CTX_open(
                        context, out, &written, plainCount,
                        nonce.baseAddress?.assumingMemoryBound(to: UInt8.self), nonce.count,
                        datagramBase + start, sealedCount, datagramBase, start)
                    return opened == 1 ? written : nil
                }
            }
        }
        guard let written, written == plainCount else {
            // A forged or damaged packet: BoringSSL queued an error on this thread, which
            // swift-crypto would otherwise read as the cause of its own next failure.
            CCryptoBoringSSL_ERR_clear_error()
            return nil
        }
        return plain
    }

    /// Runs `body` with a ChaCha20-Poly1305 context for `key`, on the stack: setting it up
    /// copies the 32-byte key, cheaper than any allocation to keep one per key. The context's
    /// memory is not zeroed first (`EVP_AEAD_CTX_init` sets every field ChaCha20-Poly1305
    /// reads, and its `aead` whether it succeeds or not: a zeroed 600 bytes was a `memset`
    /// per packet for nothing), and is wiped afterwards (ChaCha20-Poly1305's cleanup leaves
    /// the key; swift-crypto's heap context was wiped when freed).
    private static func withContext<Result>(
        key: UnsafeRawBufferPointer, _ body: (UnsafePointer<EVP_AEAD_CTX>) -> Result?
    ) -> Result? {
        withUnsafeTemporaryAllocation(of: EVP_AEAD_CTX.self, capacity: 1) { storage -> Result? in
            let context = storage.baseAddress!
            let ready = CCryptoBoringSSL_EVP_AEAD_CTX_init(
                context, CCryptoBoringSSL_EVP_aead_chacha20_poly1305(),
                key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count, 0, nil)
            defer {
                CCryptoBoringSSL_EVP_AEAD_CTX_cleanup(context)
                CCryptoBoringSSL_OPENSSL_cleanse(context, MemoryLayout<EVP_AEAD_CTX>.size)
            }
            guard ready == 1 else { return nil }
            return body(UnsafePointer(context))
        }
    }
}
#endif
