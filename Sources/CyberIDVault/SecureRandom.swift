import CyberIDBase64URL

/// The service's one source of randomness for identifiers, challenges and secrets: the
/// operating system's CSPRNG.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `count` random bytes as unpadded base64url: session, transaction and person identifiers.
    public static func token(bytes count: Int = 16) -> String { Base64URL.encode(bytes(count)) }

    /// A one-time code of `digits` decimal digits.
    public static func digits(_ digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }
}
