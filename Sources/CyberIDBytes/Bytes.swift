/// A compact binary layout for values only CyberID itself reads back — the login's sealed state
/// (the page's request, the authorization code, the access token) — written and read field by
/// field in a fixed order, without Codable's containers. JSON costs a login ≈ 10 % of the server's
/// CPU (benchmarks.md, "The eighth step"); what no other party reads need not be JSON.
///
/// Fields, in the order the type writes them:
/// - a byte; a Boolean as `0` or `1`;
/// - `UInt32` and `UInt64` big-endian, a `Double` as its IEEE 754 bit pattern in a `UInt64`
///   (finite only), an `Int` as a `UInt64` (two's complement);
/// - a length as unsigned LEB128 in its shortest form (at most `Int32.max`: five bytes at most);
/// - a string as its length then its UTF-8 bytes (well-formed UTF-8 only: a reader refuses others);
/// - an optional as `0`, or `1` and the value; a list as its count then its elements.
///
/// Nothing here authenticates: a layout is read only from what a ``Sealer``-like envelope has
/// already opened. A reader still refuses every malformed input (``ByteReader/Malformed``)
/// rather than trapping, so that a mistake in a writer fails a login instead of a process.
/// Its own module, without Foundation, so that its tests are its own.
public struct ByteWriter: Sendable {
    /// What was written.
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func uint32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func uint64(_ value: UInt64) {
        uint32(UInt32(truncatingIfNeeded: value >> 32))
        uint32(UInt32(truncatingIfNeeded: value))
    }

    public mutating func int(_ value: Int) { uint64(UInt64(bitPattern: Int64(value))) }

    /// A finite `Double` (a reader refuses the others: writing one is a programming error).
    public mutating func double(_ value: Double) {
        precondition(value.isFinite, "a layout's doubles are finite")
        uint64(value.bitPattern)
    }

    /// A count or length (unsigned LEB128).
    public mutating func length(_ value: Int) {
        precondition(value >= 0 && value <= Int(Int32.max), "a length is 0…Int32.max")
        var rest = UInt(value)
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    public mutating func string(_ value: String) {
        length(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    public mutating func strings(_ values: [String]) {
        length(values.count)
        for value in values { string(value) }
    }

    public mutating func optional<T>(_ value: T?, _ write: (inout ByteWriter, T) -> Void) {
        guard let value else { return byte(0) }
        byte(1)
        write(&self, value)
    }

    public mutating func optionalString(_ value: String?) { optional(value) { $0.string($1) } }
}

/// Reads what a ``ByteWriter`` wrote, field by field in the same order; every read checks what is
/// left and throws ``Malformed`` instead of reading past the end.
public struct ByteReader: Sendable {
    /// The input was not a value of the expected layout.
    public struct Malformed: Error, Equatable, Sendable {
        public init() {}
    }

    private let bytes: [UInt8]
    private var index: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        index = 0
    }

    /// Whether every byte has been read (a layout read whole leaves nothing behind).
    public var isAtEnd: Bool { index == bytes.count }

    /// Throws unless every byte has been read.
    public func end() throws(Malformed) {
        guard isAtEnd else { throw Malformed() }
    }

    public mutating func byte() throws(Malformed) -> UInt8 {
        guard index < bytes.count else { throw Malformed() }
        defer { index += 1 }
        return bytes[index]
    }

    public mutating func bool() throws(Malformed) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw Malformed()
        }
    }

    public mutating func uint32() throws(Malformed) -> UInt32 {
        guard bytes.count - index >= 4 else { throw Malformed() }
        defer { index += 4 }
        return UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8
            | UInt32(bytes[index + 3])
    }

    public mutating func uint64() throws(Malformed) -> UInt64 {
        let high = try uint32()
        return UInt64(high) << 32 | UInt64(try uint32())
    }

    public mutating func int() throws(Malformed) -> Int {
        let value = Int64(bitPattern: try uint64())
        guard let int = Int(exactly: value) else { throw Malformed() }
        return int
    }

    /// A finite `Double` (every one CyberID writes is a time): NaN and the infinities are
    /// malformed, so that no reader converts one to an integer and traps.
    public mutating func double() throws(Malformed) -> Double {
        let value = Double(bitPattern: try uint64())
        guard value.isFinite else { throw Malformed() }
        return value
    }

    /// A count or length: at most `Int32.max`, and in its shortest form (a value has one
    /// encoding, so a layout's bytes are a function of its value).
    public mutating func length() throws(Malformed) -> Int {
        var value = 0
        var shift = 0
        while true {
            let next = try byte()
            // Five bytes at most, the fifth at most 0x07 (31 bits): no shift past an `Int32`,
            // whatever the width of `Int`.
            guard shift < 28 || (shift == 28 && next <= 0x07) else { throw Malformed() }
            value |= Int(next & 0x7F) << shift
            if next & 0x80 == 0 {
                guard next != 0 || shift == 0, value <= Int(Int32.max) else { throw Malformed() }
                return value
            }
            shift += 7
        }
    }

    public mutating func string() throws(Malformed) -> String {
        let count = try length()
        guard bytes.count - index >= count else { throw Malformed() }
        defer { index += count }
        guard let text = String(validating: bytes[index..<(index + count)], as: UTF8.self) else { throw Malformed() }
        return text
    }

    public mutating func strings() throws(Malformed) -> [String] {
        let count = try length()
        // Each string takes a byte at least: a count beyond what is left is malformed, not a
        // reason to reserve memory.
        guard count <= bytes.count - index else { throw Malformed() }
        var values = [String]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try string()) }
        return values
    }

    public mutating func optional<T>(_ read: (inout ByteReader) throws(Malformed) -> T) throws(Malformed) -> T? {
        try bool() ? try read(&self) : nil
    }

    public mutating func optionalString() throws(Malformed) -> String? {
        try optional { (reader: inout ByteReader) throws(Malformed) in try reader.string() }
    }
}
