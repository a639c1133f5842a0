/// Just enough of a DER (X.690) writer to build a PKCS#10 certification request.
///
/// Every function returns one complete TLV; constructed values take already-encoded children.
enum DERWriter {
    /// Tag, definite length, content.
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        [tag] + length(content.count) + content
    }

    /// The definite-length octets: short form below 128, long form above.
    static func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var value = count
        while value > 0 {
            bytes.insert(UInt8(value & 0xFF), at: 0)
            value >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    /// SEQUENCE of the given encoded elements, in order.
    static func sequence(_ elements: [UInt8]...) -> [UInt8] {
        tlv(0x30, elements.flatMap { $0 })
    }

    /// SET OF the given encoded elements, sorted as DER requires.
    static func set(_ elements: [UInt8]...) -> [UInt8] {
        let sorted = elements.sorted { $0.lexicographicallyPrecedes($1) }
        return tlv(0x31, sorted.flatMap { $0 })
    }

    /// INTEGER of a non-negative value, minimally encoded.
    static func integer(_ value: Int) -> [UInt8] {
        precondition(value >= 0, "only non-negative integers are needed")
        var bytes: [UInt8] = []
        var rest = value
        repeat {
            bytes.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        } while rest > 0
        if bytes[0] & 0x80 != 0 { bytes.insert(0x00, at: 0) }
        return tlv(0x02, bytes)
    }

    /// OBJECT IDENTIFIER from its arcs, e.g. `[1, 2, 840, 10045, 2, 1]`.
    static func objectIdentifier(_ arcs: [UInt64]) -> [UInt8] {
        precondition(arcs.count >= 2, "an OID has at least two arcs")
        var content = base128(arcs[0] * 40 + arcs[1])
        for arc in arcs.dropFirst(2) { content += base128(arc) }
        return tlv(0x06, content)
    }

    /// NULL.
    static func null() -> [UInt8] { [0x05, 0x00] }

    /// BIT STRING of whole bytes (no unused bits).
    static func bitString(_ bytes: [UInt8]) -> [UInt8] {
        tlv(0x03, [0x00] + bytes)
    }

    /// UTF8String.
    static func utf8String(_ text: String) -> [UInt8] {
        tlv(0x0C, Array(text.utf8))
    }

    /// A context-specific constructed tag `[number]` around already-encoded content.
    static func contextConstructed(_ number: UInt8, _ content: [UInt8]) -> [UInt8] {
        precondition(number < 31, "only low tag numbers are needed")
        return tlv(0xA0 | number, content)
    }

    /// Base-128 big-endian with continuation bits, as OID arcs are written.
    private static func base128(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(value & 0x7F)]
        var rest = value >> 7
        while rest > 0 {
            bytes.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
            rest >>= 7
        }
        return bytes
    }
}
