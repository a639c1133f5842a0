/// An append-only sequence of bits, most significant bit first, in which the data bit stream of
/// ISO/IEC 18004:2015 §7.4 is assembled before it is cut into 8-bit codewords.
///
/// Bits are kept one per element: the longest stream (version 40) is under 24 000 bits, so
/// clarity wins over packing.
struct QRBitBuffer {
    /// The bits so far, first written first.
    private(set) var bits: [Bool] = []

    /// Number of bits written.
    var count: Int { bits.count }

    /// Appends the low `bitCount` bits of `value`, most significant first.
    mutating func append(_ value: Int, bitCount: Int) {
        precondition(bitCount >= 0 && bitCount <= 31, "append at most 31 bits at a time")
        precondition(value >= 0 && value >> bitCount == 0, "the value must fit in bitCount bits")
        var shift = bitCount - 1
        while shift >= 0 {
            bits.append((value >> shift) & 1 == 1)
            shift -= 1
        }
    }

    /// The bits packed into bytes, most significant bit first; the count must be a multiple of 8.
    var bytes: [UInt8] {
        precondition(bits.count % 8 == 0, "only whole codewords can be packed")
        var result = [UInt8](repeating: 0, count: bits.count / 8)
        for (index, bit) in bits.enumerated() where bit {
            result[index / 8] |= UInt8(0x80) >> (index % 8)
        }
        return result
    }
}
