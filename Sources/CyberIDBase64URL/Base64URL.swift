import Foundation

/// Unpadded base64url (RFC 4648 §5), the encoding of JOSE and of CyberID's binary JSON fields.
///
/// Its own dependency-free module so that the server, the wallet SDK (which must stay
/// Foundation + swift-crypto only) and the relying-party SDK share one implementation.
public enum Base64URL {
    /// Encodes bytes without padding. Table-driven into one buffer: this encodes every sealed
    /// token, code and signature, several times per login.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        let count = input.count
        return String(unsafeUninitializedCapacity: (count * 4 + 2) / 3) { out in
            var written = 0
            var index = 0
            while index + 3 <= count {
                let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                out[written] = alphabet[Int(value >> 18 & 63)]
                out[written + 1] = alphabet[Int(value >> 12 & 63)]
                out[written + 2] = alphabet[Int(value >> 6 & 63)]
                out[written + 3] = alphabet[Int(value & 63)]
                written += 4
                index += 3
            }
            if count - index == 1 {
                let value = UInt32(input[index]) << 16
                out[written] = alphabet[Int(value >> 18 & 63)]
                out[written + 1] = alphabet[Int(value >> 12 & 63)]
                written += 2
            } else if count - index == 2 {
                let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                out[written] = alphabet[Int(value >> 18 & 63)]
                out[written + 1] = alphabet[Int(value >> 12 & 63)]
                out[written + 2] = alphabet[Int(value >> 6 & 63)]
                written += 3
            }
            return written
        }
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Decodes base64url with or without padding; `nil` for anything else.
    ///
    /// Maps the URL-safe alphabet to standard base64 byte by byte (no Unicode character
    /// properties: this runs on every binary field of every request).
    public static func decode(_ text: String) -> [UInt8]? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                bytes.append(byte)
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            case UInt8(ascii: "="): continue
            default: return nil
            }
        }
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "="), count: (4 - bytes.count % 4) % 4))
        return Data(base64Encoded: Data(bytes)).map(Array.init)
    }
}
