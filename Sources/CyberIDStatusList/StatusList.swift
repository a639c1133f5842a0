import CompressNIO
import CyberIDBase64URL
import NIOCore

/// An IETF Token Status List (draft-ietf-oauth-status-list): a bit array of `bits` bits per
/// token, packed least-significant bits first (entry `i` sits at byte `i * bits / 8`), carried
/// as base64url(zlib(bytes)) in a status-list token's `status_list.lst`.
public struct StatusList: Sendable, Equatable {
    /// The status values CyberID uses (the draft's registered ones).
    public enum Status: UInt8, Sendable {
        case valid = 0
        case invalid = 1
        case suspended = 2
    }

    /// Bits per entry: 1, 2, 4 or 8.
    public let bits: Int
    /// The packed entries.
    public private(set) var bytes: [UInt8]

    /// The number of entries.
    public var count: Int { bytes.count * 8 / bits }

    /// An all-valid list of at least `count` entries.
    public init(bits: Int, count: Int) {
        precondition([1, 2, 4, 8].contains(bits))
        self.bits = bits
        bytes = [UInt8](repeating: 0, count: (count * bits + 7) / 8)
    }

    /// Decodes a list's `lst`; the inflated size is capped at `maxBytes` (a zlib bomb is refused).
    /// - Throws: ``StatusListError``.
    public init(bits: Int, lst: String, maxBytes: Int = 1 << 22) throws(StatusListError) {
        guard [1, 2, 4, 8].contains(bits) else { throw .malformed("bits must be 1, 2, 4 or 8") }
        guard let compressed = Base64URL.decode(lst) else { throw .malformed("lst is not base64url") }
        var buffer = ByteBuffer(bytes: compressed)
        do {
            let inflated = try buffer.decompress(with: .zlib(), maxSize: maxBytes)
            self.bits = bits
            self.bytes = Array(buffer: inflated)
        } catch {
            throw .malformed("lst is not zlib data of at most \(maxBytes) bytes")
        }
    }

    /// The status value at `index`; `nil` past the end.
    public subscript(index: Int) -> UInt8? {
        guard index >= 0, index < count else { return nil }
        let bit = index * bits
        return (bytes[bit / 8] >> UInt8(bit % 8)) & UInt8((1 << bits) - 1)
    }

    /// Sets the status at `index` (which must be inside the list).
    public mutating func set(_ index: Int, _ value: UInt8) {
        precondition(index >= 0 && index < count && Int(value) < 1 << bits)
        let bit = index * bits
        let mask = UInt8((1 << bits) - 1) << UInt8(bit % 8)
        bytes[bit / 8] = (bytes[bit / 8] & ~mask) | (value << UInt8(bit % 8))
    }

    /// base64url(zlib(bytes)), the `lst` member.
    public func lst() throws(StatusListError) -> String {
        var buffer = ByteBuffer(bytes: bytes)
        do {
            return Base64URL.encode(Array(buffer: try buffer.compress(with: .zlib(configuration: .init(compressionLevel: 9)))))
        } catch {
            throw .malformed("zlib compression failed")
        }
    }
}

/// Why a status list was refused.
public struct StatusListError: Error, Sendable, Equatable {
    public let reason: String
    static func malformed(_ reason: String) -> Self { Self(reason: reason) }
}
