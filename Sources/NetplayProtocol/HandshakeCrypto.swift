import Crypto

#if canImport(CCryptoBoringSSL)
internal import CCryptoBoringSSL
#endif

/// The handshake's cryptography (X25519, HMAC-SHA256, HKDF-SHA256, and SHA-256 for a join
/// code's salt) through BoringSSL's
/// one-shot functions where it can be imported, as ``PacketAEAD`` seals packets, else through
/// swift-crypto.
///
/// swift-crypto builds HMAC and HKDF in Swift over its SHA-256: generic code that another
/// module calls unspecialized, each HMAC key padded through closures and arrays, each HKDF
/// block a new HMAC, each result a fresh `SymmetricKey`. A handshake runs once, on threads that
/// were asleep, so that code also runs cold. Measured on a loopback connect (perf, 25 kHz):
/// a host spent about as long minting one cookie as BoringSSL takes for a whole key
/// agreement, and each side's HKDF cost three quarters of its X25519. The algorithms are the
/// same and so are the bytes, which tests hold both implementations to
/// (``swiftCryptoAgreedKeys(privateKey:peerPublicKey:salt:info:outputByteCount:)`` and
/// ``swiftCryptoAuthenticationCode(key:message:)``); on Linux swift-crypto's X25519 and
/// SHA-256 are these very BoringSSL functions.
///
/// The X25519 secret and HKDF's output are kept in stack buffers of ours, wiped before the
/// call returns. (BoringSSL's `HKDF` leaves its own intermediate values on its stack frame,
/// where later calls overwrite them; swift-crypto left the whole output in an unwiped array.)
enum HandshakeCrypto {
    /// Bytes in an X25519 key, private or public, and in its shared secret.
    static let keyBytes = FieldSize.publicKey
    /// Bytes in an HMAC-SHA256 code.
    static let authenticationCodeBytes = 32
    /// Bytes in a SHA-256 digest.
    static let digestBytes = 32

    /// The X25519 public key of `privateKey` (32 bytes; any 32 bytes are a valid scalar).
    static func publicKey(privateKey: [UInt8]) -> [UInt8] {
        precondition(privateKey.count == keyBytes, "an X25519 private key is \(keyBytes) bytes")
        #if canImport(CCryptoBoringSSL)
        return [UInt8](unsafeUninitializedCapacity: keyBytes) { publicKey, count in
            CCryptoBoringSSL_X25519_public_from_private(publicKey.baseAddress, privateKey)
            count = keyBytes
        }
        #else
        return swiftCryptoPublicKey(privateKey: privateKey)
        #endif
    }

    /// HKDF-SHA256 of the X25519 secret agreed from `privateKey` and `peerPublicKey`, with
    /// `salt` and `info`: `outputByteCount` bytes (1 to 8,160) handed to `body`, then wiped.
    /// Nil if the agreement fails: a public key of the wrong length, or one of low order (its
    /// secret would be all zeros).
    static func withAgreedKeys<Result>(
        privateKey: [UInt8], peerPublicKey: [UInt8], salt: [UInt8], info: [UInt8], outputByteCount: Int,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result? {
        guard privateKey.count == keyBytes, peerPublicKey.count == keyBytes else { return nil }
        #if canImport(CCryptoBoringSSL)
        return withWipedBytes(keyBytes) { secret -> Result? in
            // BoringSSL's X25519 returns 0 when the secret is all zeros (a low-order key).
            guard CCryptoBoringSSL_X25519(secret.baseAddress, privateKey, peerPublicKey) == 1 else { return nil }
            return withDerivedKeys(
                secret: UnsafeRawBufferPointer(secret), salt: salt, info: info, outputByteCount: outputByteCount, body)
        }
        #else
        guard
            let keys = swiftCryptoAgreedKeys(
                privateKey: privateKey, peerPublicKey: peerPublicKey, salt: salt, info: info,
                outputByteCount: outputByteCount)
        else { return nil }
        return keys.withUnsafeBytes(body)
        #endif
    }

    #if canImport(CCryptoBoringSSL)
    /// HKDF-SHA256 of `secret` with `salt` and `info`: `outputByteCount` bytes handed to
    /// `body`, then wiped.
    static func withDerivedKeys<Result>(
        secret: UnsafeRawBufferPointer, salt: [UInt8], info: [UInt8], outputByteCount: Int,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        // HKDF's limit (255 blocks); ours are fixed and short, so a programming error otherwise.
        precondition((1...255 * 32).contains(outputByteCount), "HKDF-SHA256 cannot make \(outputByteCount) bytes")
        return withWipedBytes(outputByteCount) { output in
            let derived = CCryptoBoringSSL_HKDF(
                output.baseAddress, outputByteCount, CCryptoBoringSSL_EVP_sha256(),
                secret.baseAddress?.assumingMemoryBound(to: UInt8.self), secret.count, salt, salt.count, info,
                info.count)
            precondition(derived == 1, "HKDF-SHA256 failed")
            return body(UnsafeRawBufferPointer(output))
        }
    }
    #endif

    /// HMAC-SHA256 of `message` under `key` (any length; the protocol's are 32 bytes).
    static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        #if canImport(CCryptoBoringSSL)
        return [UInt8](unsafeUninitializedCapacity: authenticationCodeBytes) { code, count in
            var written: UInt32 = 0
            let done = CCryptoBoringSSL_HMAC(
                CCryptoBoringSSL_EVP_sha256(), key, key.count, message, message.count, code.baseAddress, &written)
            // HMAC fails only when BoringSSL cannot allocate its context.
            precondition(done != nil && written == authenticationCodeBytes, "HMAC-SHA256 failed")
            count = authenticationCodeBytes
        }
        #else
        return swiftCryptoAuthenticationCode(key: key, message: message)
        #endif
    }

    /// SHA-256 of `message` (a join code, for the handshake's salt).
    static func digest(_ message: [UInt8]) -> [UInt8] {
        #if canImport(CCryptoBoringSSL)
        return [UInt8](unsafeUninitializedCapacity: digestBytes) { digest, count in
            _ = CCryptoBoringSSL_SHA256(message, message.count, digest.baseAddress)
            count = digestBytes
        }
        #else
        return swiftCryptoDigest(message)
        #endif
    }

    #if canImport(CCryptoBoringSSL)
    /// Runs `body` with `count` bytes of stack memory, wiped (BoringSSL's `OPENSSL_cleanse`)
    /// before returning.
    private static func withWipedBytes<Result>(_ count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Result)
        -> Result
    {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { bytes in
            defer { CCryptoBoringSSL_OPENSSL_cleanse(bytes.baseAddress, count) }
            return body(bytes)
        }
    }
    #endif

    // MARK: swift-crypto: elsewhere than Linux, and the reference tests hold the above to

    /// ``digest(_:)`` through swift-crypto.
    static func swiftCryptoDigest(_ message: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: message))
    }

    /// ``publicKey(privateKey:)`` through swift-crypto.
    static func swiftCryptoPublicKey(privateKey: [UInt8]) -> [UInt8] {
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey) else {
            preconditionFailure("an X25519 private key is \(keyBytes) bytes")
        }
        return Array(key.publicKey.rawRepresentation)
    }

    /// ``withAgreedKeys(privateKey:peerPublicKey:salt:info:outputByteCount:_:)``'s bytes
    /// through swift-crypto, in a key that wipes itself when freed.
    static func swiftCryptoAgreedKeys(
        privateKey: [UInt8], peerPublicKey: [UInt8], salt: [UInt8], info: [UInt8], outputByteCount: Int
    ) -> SymmetricKey? {
        guard let own = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey),
            let peer = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: peerPublicKey),
            let shared = try? own.sharedSecretFromKeyAgreement(with: peer),
            // swift-crypto on Linux hands back the all-zero secret of a low-order key (it
            // ignores what BoringSSL's X25519 returns); PROTOCOL §3.3 refuses it. Checked here,
            // in constant time.
            shared.withUnsafeBytes({ $0.reduce(0, |) }) != 0
        else { return nil }
        return shared.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: salt, sharedInfo: info, outputByteCount: outputByteCount)
    }

    /// ``authenticationCode(key:message:)`` through swift-crypto.
    static func swiftCryptoAuthenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
