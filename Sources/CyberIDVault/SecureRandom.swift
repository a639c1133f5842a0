import CyberIDBase64URL

/// The service's one source of randomness for identifiers, challenges and secrets: the
/// operating system's CSPRNG.
public enum SecureRandom {
    /// `count` random bytes.
    ///
    /// Eight bytes per draw from the generator (one `getrandom` call each), not one: a login
    /// draws a few hundred random bytes, and a system call per byte was 1 % of its server CPU.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "a count of random bytes is not negative")
        var generator = SystemRandomNumberGenerator()
        var out = [UInt8]()
        out.reserveCapacity(count + 7)
        while out.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { out.append(contentsOf: $0) }
        }
        out.removeLast(out.count - count)
        return out
    }

    /// `count` random bytes as unpadded base64url: session, transaction and person identifiers.
    public static func token(bytes count: Int = 16) -> String { Base64URL.encode(bytes(count)) }

    /// A one-time code of `digits` decimal digits.
    public static func digits(_ digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }
}
