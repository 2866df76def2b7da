import Crypto
import NetplayWire

/// Which purpose a ChaCha20-Poly1305 nonce serves. Each key is used for two purposes, and the
/// purpose fills the nonce's first four bytes, so no (key, nonce) pair is ever used twice.
package enum NoncePurpose: UInt32, Sendable {
    /// Connected packets from client to host (client→host key).
    case clientToHost = 1
    /// Connected packets from host to client (host→client key).
    case hostToClient = 2
    /// The key-confirmation tag in a `response` (client→host key).
    case keyConfirmation = 3
    /// The tag of an `accepted` packet (host→client key).
    case acceptance = 4
}

/// One direction's ChaCha20-Poly1305 key.
///
/// Holds the key for the life of the session direction: building one per packet cost an
/// allocation each time. Packets are sealed in place and opened into one array by BoringSSL's
/// AEAD directly where it can be imported (``PacketAEAD``, with the key in ``KeyBytes``), else
/// by swift-crypto's `ChaChaPoly` (with the key in a `SymmetricKey`), whose every call creates
/// a cipher context and returns fresh `Data`.
package struct PacketKey: Sendable, Hashable {
    /// Bytes in a ChaCha20 key.
    package static let byteCount = 32
    /// Bytes in a ChaCha20-Poly1305 nonce.
    static let nonceBytes = 12

    private let storage: PacketKeyStorage

    package init(bytes: [UInt8]) { storage = bytes.withUnsafeBytes { PacketKeyStorage(copying: $0) } }

    /// A key holding a copy of `bytes` (``byteCount`` of them).
    package init(bytes: UnsafeRawBufferPointer) { storage = PacketKeyStorage(copying: bytes) }

    /// The key's bytes (test vectors print them; nothing on the packet path reads them).
    package var bytes: [UInt8] { storage.withUnsafeBytes { Array($0) } }

    /// Compares in constant time, the keys read in place.
    package static func == (lhs: PacketKey, rhs: PacketKey) -> Bool { lhs.storage == rhs.storage }

    /// Hashes the key read in place (a copy in an array would be freed unwiped).
    package func hash(into hasher: inout Hasher) {
        storage.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The nonce's bytes `purpose (u32) ‖ sequence (u64)`, little-endian, on the stack.
    private static func nonceWords(_ purpose: NoncePurpose, _ sequence: UInt64) -> (UInt32, UInt32, UInt32) {
        (
            purpose.rawValue.littleEndian, UInt32(truncatingIfNeeded: sequence).littleEndian,
            UInt32(truncatingIfNeeded: sequence >> 32).littleEndian
        )
    }

    /// The nonce `purpose (u32) ‖ sequence (u64)`, little-endian, built on the stack.
    private static func nonce(_ purpose: NoncePurpose, _ sequence: UInt64) -> ChaChaPoly.Nonce {
        var words = nonceWords(purpose, sequence)
        do {
            return try withUnsafeBytes(of: &words) { try ChaChaPoly.Nonce(data: $0) }
        } catch {
            // Only a nonce of the wrong length fails, and this one is fixed-size.
            preconditionFailure("ChaChaPoly rejected a 12-byte nonce: \(error)")
        }
    }

    /// Whether packets are sealed and opened by BoringSSL's AEAD directly (``PacketAEAD``),
    /// rather than through swift-crypto's `ChaChaPoly`.
    package static var sealsWithBoringSSL: Bool {
        #if canImport(CCryptoBoringSSL)
        true
        #else
        false
        #endif
    }

    /// Encrypts `bytes[start...]` in place and appends the 16-byte tag over it and the
    /// associated data `bytes[..<start]`. Reserve the tag's room beforehand and the array
    /// is not reallocated.
    func seal(inPlace bytes: inout [UInt8], from start: Int, purpose: NoncePurpose, sequence: UInt64) {
        #if canImport(CCryptoBoringSSL)
        var nonce = Self.nonceWords(purpose, sequence)
        storage.withUnsafeBytes { key in
            withUnsafeBytes(of: &nonce) { PacketAEAD.seal(&bytes, from: start, key: key, nonce: $0) }
        }
        #else
        swiftCryptoSeal(inPlace: &bytes, from: start, purpose: purpose, sequence: sequence)
        #endif
    }

    /// ``seal(inPlace:from:purpose:sequence:)`` through swift-crypto's `ChaChaPoly`: the
    /// implementation where BoringSSL cannot be imported, and the reference tests hold the
    /// other to, byte for byte.
    package func swiftCryptoSeal(inPlace bytes: inout [UInt8], from start: Int, purpose: NoncePurpose, sequence: UInt64)
    {
        let nonce = Self.nonce(purpose, sequence)
        let key = storage.symmetricKey
        do {
            let box = try bytes.withUnsafeBytes { raw in
                try ChaChaPoly.seal(
                    UnsafeRawBufferPointer(rebasing: raw[start...]), using: key, nonce: nonce,
                    authenticating: UnsafeRawBufferPointer(rebasing: raw[..<start]))
            }
            // `combined` is nonce ‖ ciphertext ‖ tag: one buffer, copied once into ours.
            box.combined.withUnsafeBytes { combined in
                bytes.removeSubrange(start...)
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: combined[Self.nonceBytes...]))
            }
        } catch {
            // Only a nonce or key of the wrong length fails, and both are fixed-size here.
            preconditionFailure("ChaChaPoly rejected a fixed-size key or nonce: \(error)")
        }
    }

    /// `plaintext` encrypted, followed by the 16-byte tag over it and `aad`.
    func seal(_ plaintext: [UInt8], purpose: NoncePurpose, sequence: UInt64, aad: [UInt8]) -> [UInt8] {
        var bytes = aad
        bytes.reserveCapacity(aad.count + plaintext.count + FieldSize.tag)
        bytes.append(contentsOf: plaintext)
        seal(inPlace: &bytes, from: aad.count, purpose: purpose, sequence: sequence)
        bytes.removeFirst(aad.count)
        return bytes
    }

    /// The plaintext of `datagram[sealedFrom...]` (ciphertext then tag), with
    /// `datagram[..<sealedFrom]` as the associated data, or nil if it is not authentic. The
    /// plaintext is written in `buffer` (see `PacketAEAD.open`).
    package func open(
        _ datagram: [UInt8], sealedFrom start: Int, purpose: NoncePurpose, sequence: UInt64,
        into buffer: consuming [UInt8] = []
    ) -> [UInt8]? {
        #if canImport(CCryptoBoringSSL)
        var nonce = Self.nonceWords(purpose, sequence)
        // Opened outside the closures, which cannot take the buffer over.
        var plain: [UInt8]? = consume buffer
        storage.withUnsafeBytes { key in
            withUnsafeBytes(of: &nonce) { nonce in
                plain = PacketAEAD.open(datagram, sealedFrom: start, key: key, nonce: nonce, into: plain.take() ?? [])
            }
        }
        return plain
        #else
        return swiftCryptoOpen(datagram, sealedFrom: start, purpose: purpose, sequence: sequence)
        #endif
    }

    /// ``open(_:sealedFrom:purpose:sequence:)`` through swift-crypto's `ChaChaPoly` (see
    /// ``swiftCryptoSeal(inPlace:from:purpose:sequence:)``).
    ///
    /// The sealed box is built from one contiguous `nonce ‖ ciphertext ‖ tag` in a temporary
    /// buffer: swift-crypto copies that once, where its `SealedBox(nonce:ciphertext:tag:)`
    /// concatenates three `Data` values (6,500 of the 17,000 instructions an open of a
    /// 30-byte packet took, measured under callgrind).
    package func swiftCryptoOpen(_ datagram: [UInt8], sealedFrom start: Int, purpose: NoncePurpose, sequence: UInt64)
        -> [UInt8]?
    {
        guard start >= 0, datagram.count - start >= FieldSize.tag else { return nil }
        var nonce = Self.nonceWords(purpose, sequence)
        let key = storage.symmetricKey
        return datagram.withUnsafeBytes { raw -> [UInt8]? in
            let sealed = UnsafeRawBufferPointer(rebasing: raw[start...])
            return withUnsafeTemporaryAllocation(byteCount: Self.nonceBytes + sealed.count, alignment: 1) { combined in
                withUnsafeBytes(of: &nonce) { combined.copyMemory(from: $0) }
                UnsafeMutableRawBufferPointer(rebasing: combined[Self.nonceBytes...]).copyMemory(from: sealed)
                guard let box = try? ChaChaPoly.SealedBox(combined: UnsafeRawBufferPointer(combined)),
                    let plain = try? ChaChaPoly.open(
                        box, using: key, authenticating: UnsafeRawBufferPointer(rebasing: raw[..<start]))
                else { return nil }
                return plain.withUnsafeBytes { Array($0) }
            }
        }
    }
}

#if canImport(CCryptoBoringSSL)
/// Where BoringSSL seals packets directly, a key lives in ``KeyBytes``.
private typealias PacketKeyStorage = KeyBytes

extension KeyBytes {
    /// The key as swift-crypto takes it: for the `ChaChaPoly` reference path, never for a
    /// packet (it allocates).
    fileprivate var symmetricKey: SymmetricKey { withUnsafeBytes { SymmetricKey(data: $0) } }
}
#else
/// Elsewhere a key lives in the `SymmetricKey` swift-crypto's `ChaChaPoly` takes, behind the
/// same few calls as ``KeyBytes``.
///
/// `@unchecked Sendable`, as swift-crypto does not mark `SymmetricKey` so: the key is a `let`
/// in an immutable struct, and `SymmetricKey` keeps its bytes in a buffer it only writes while
/// initialising, so every later use (seal, open, `withUnsafeBytes`, `==`) reads only, from any
/// thread.
private struct PacketKeyStorage: @unchecked Sendable {
    let symmetricKey: SymmetricKey

    init(copying bytes: UnsafeRawBufferPointer) { symmetricKey = SymmetricKey(data: bytes) }

    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try symmetricKey.withUnsafeBytes(body)
    }

    /// `SymmetricKey`'s `==` compares in constant time.
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.symmetricKey == rhs.symmetricKey }
}
#endif

/// The two keys of a session, derived from the handshake.
///
/// keys = HKDF-SHA256(ikm: X25519(client, host), salt: SHA-256(join code) or empty,
/// info: label ‖ transcript), 64 bytes: client→host key then host→client key.
///
/// The join code is mixed in as the salt, so a client with the wrong code derives other keys and
/// its confirmation tag fails: the host learns the code was wrong while the code itself never
/// crosses the wire, and an eavesdropper learns nothing about it. Known weakness: someone who
/// *impersonates the host* (answers the client's hello with their own key) receives a tag they
/// can test code guesses against offline, so a short code falls to brute force. A PAKE such as
/// CPace would close that; it is out of scope for this draft.
package struct SessionKeys: Sendable, Hashable {
    static let infoLabel = Array("netplay-keys-v1".utf8)
    static let confirmationLabel = Array("netplay-confirm-v1".utf8)
    static let acceptanceLabel = Array("netplay-accepted-v1".utf8)

    package let clientToHost: PacketKey
    package let hostToClient: PacketKey

    /// Derives the keys, or nil if the key agreement fails (a low-order public key).
    package init?(privateKey: [UInt8], peerPublicKey: [UInt8], joinCode: String?, transcript: [UInt8]) {
        guard
            let keys = HandshakeCrypto.withAgreedKeys(
                privateKey: privateKey, peerPublicKey: peerPublicKey, salt: Self.salt(joinCode: joinCode),
                info: Self.infoLabel + transcript, outputByteCount: 2 * PacketKey.byteCount,
                { okm in
                    (
                        PacketKey(bytes: UnsafeRawBufferPointer(rebasing: okm[..<PacketKey.byteCount])),
                        PacketKey(bytes: UnsafeRawBufferPointer(rebasing: okm[PacketKey.byteCount...]))
                    )
                })
        else { return nil }
        (clientToHost, hostToClient) = keys
    }

    /// SHA-256 of the code's UTF-8, or empty when there is no code ("" counts as none).
    package static func salt(joinCode: String?) -> [UInt8] {
        guard let joinCode, !joinCode.isEmpty else { return [] }
        return HandshakeCrypto.digest(Array(joinCode.utf8))
    }

    /// The tag a client sends to prove it derived these keys; `fields` are the response's
    /// bytes before the tag, so none of them can be altered either.
    package func confirmationTag(fields: [UInt8]) -> [UInt8] {
        clientToHost.seal([], purpose: .keyConfirmation, sequence: 0, aad: Self.confirmationLabel + fields)
    }

    /// The tag of an `accepted` packet over its header bytes.
    func acceptanceTag(header: [UInt8]) -> [UInt8] {
        hostToClient.seal([], purpose: .acceptance, sequence: 0, aad: Self.acceptanceLabel + header)
    }
}

/// A fresh X25519 key pair from the injected randomness.
package struct EphemeralKeyPair: Sendable {
    package let privateKey: [UInt8]
    package let publicKey: [UInt8]

    package init(random: inout ProtocolRandom) {
        // Any 32 bytes are a valid X25519 scalar (clamping happens inside the function).
        privateKey = random.bytes(FieldSize.publicKey)
        publicKey = HandshakeCrypto.publicKey(privateKey: privateKey)
    }
}

/// Compares two byte strings in time independent of where they differ.
package func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}

/// The handshake transcript both sides feed HKDF, binding the keys to this exact exchange:
/// protocol id ‖ client key ‖ client nonce ‖ host key ‖ cookie timestamp ‖ cookie.
package func handshakeTranscript(
    protocolID: UInt32, clientPublicKey: [UInt8], clientNonce: [UInt8],
    hostPublicKey: [UInt8], timestamp: UInt64, cookie: [UInt8]
) -> [UInt8] {
    var writer = BitWriter(capacity: 128)
    writer.writeFixed(protocolID)
    writer.writeRawBytes(clientPublicKey)
    writer.writeRawBytes(clientNonce)
    writer.writeRawBytes(hostPublicKey)
    writer.writeFixed(timestamp)
    writer.writeRawBytes(cookie)
    return writer.finish()
}
