import CyberIDBytes
import Testing

@Suite struct BytesTests {
    /// Every field kind written then read back in order, for edge values; the reader ends where
    /// the writer did.
    @Test func fieldsRoundTrip() throws {
        var writer = ByteWriter()
        let strings = ["", "a", "登录", "e\u{301}", String(repeating: "x", count: 300), "\u{0}"]
        for value: UInt8 in [0, 1, 0xFF] { writer.byte(value) }
        for value in [false, true] { writer.bool(value) }
        for value: UInt32 in [0, 1, 0x0102_0304, .max] { writer.uint32(value) }
        for value: UInt64 in [0, 0x0102_0304_0506_0708, .max] { writer.uint64(value) }
        for value in [0, -1, Int.min, Int.max, 42] { writer.int(value) }
        for value in [0.0, -0.0, 1.5, 1_767_225_600.123, -1e-300, .greatestFiniteMagnitude] { writer.double(value) }
        for value in [0, 1, 127, 128, 16_383, 16_384, Int(Int32.max)] { writer.length(value) }
        for value in strings { writer.string(value) }
        writer.strings(strings)
        writer.strings([])
        writer.optionalString(nil)
        writer.optionalString("s")
        writer.optional(7) { $0.int($1) }

        var reader = ByteReader(writer.bytes)
        #expect(try [reader.byte(), reader.byte(), reader.byte()] == [0, 1, 0xFF])
        #expect(try [reader.bool(), reader.bool()] == [false, true])
        #expect(try [reader.uint32(), reader.uint32(), reader.uint32(), reader.uint32()] == [0, 1, 0x0102_0304, .max])
        #expect(try [reader.uint64(), reader.uint64(), reader.uint64()] == [0, 0x0102_0304_0506_0708, .max])
        #expect(try [reader.int(), reader.int(), reader.int(), reader.int(), reader.int()] == [0, -1, Int.min, Int.max, 42])
        let doubles = try (0..<6).map { _ in try reader.double() }
        #expect(doubles.map(\.bitPattern) == [0.0, -0.0, 1.5, 1_767_225_600.123, -1e-300, .greatestFiniteMagnitude].map(\.bitPattern))
        #expect(try (0..<7).map { _ in try reader.length() } == [0, 1, 127, 128, 16_383, 16_384, Int(Int32.max)])
        #expect(try strings.map { _ in try reader.string() } == strings)
        #expect(try reader.strings() == strings)
        #expect(try reader.strings() == [])
        #expect(try reader.optionalString() == nil)
        #expect(try reader.optionalString() == "s")
        #expect(try reader.optional { (r: inout ByteReader) throws(ByteReader.Malformed) in try r.int() } == 7)
        #expect(reader.isAtEnd)
        try reader.end()
    }

    /// Big-endian integers and LEB128 lengths, byte for byte.
    @Test func theLayoutIsAsDocumented() {
        var writer = ByteWriter()
        writer.uint32(0x0102_0304)
        writer.length(300)
        writer.string("é")
        writer.optionalString(nil)
        writer.bool(true)
        writer.double(1.0)
        #expect(writer.bytes == [1, 2, 3, 4, 0xAC, 0x02, 2, 0xC3, 0xA9, 0, 1, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0])
    }

    /// Every malformed input is refused with `Malformed`, never read past its end: truncations of
    /// a valid layout at every length, a Boolean other than 0 or 1, a length longer than what is
    /// left, beyond `Int32.max` or not in its shortest form, a string that is not UTF-8, a list
    /// count larger than the bytes left, a double that is not finite, and bytes left over.
    @Test func malformedInputIsRefused() throws {
        var writer = ByteWriter()
        writer.string("hello")
        writer.uint64(7)
        writer.strings(["a", "b"])
        writer.optionalString("c")
        func readAll(_ bytes: [UInt8]) throws(ByteReader.Malformed) {
            var reader = ByteReader(bytes)
            _ = try reader.string()
            _ = try reader.uint64()
            _ = try reader.strings()
            _ = try reader.optionalString()
            try reader.end()
        }
        try readAll(writer.bytes)
        for count in 0..<writer.bytes.count {
            #expect(throws: ByteReader.Malformed()) { try readAll(Array(writer.bytes.prefix(count))) }
        }
        #expect(throws: ByteReader.Malformed()) { try readAll(writer.bytes + [0]) }

        func refused(_ bytes: [UInt8], _ read: (inout ByteReader) throws -> Void) {
            var reader = ByteReader(bytes)
            #expect(throws: ByteReader.Malformed()) { try read(&reader) }
        }
        refused([2]) { _ = try $0.bool() }
        refused([5, 0x61, 0x62]) { _ = try $0.string() }
        refused([0x80, 0x80, 0x80, 0x80, 0x08]) { _ = try $0.length() }  // 2^31
        refused([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]) { _ = try $0.length() }  // six bytes
        refused([0x81, 0x00]) { _ = try $0.length() }  // 1, not in its shortest form
        refused([2, 0xC3, 0x28]) { _ = try $0.string() }  // not UTF-8
        refused([1, 0xFF]) { _ = try $0.string() }
        refused([0xFF, 0xFF, 0xFF, 0xFF, 0x07]) { _ = try $0.strings() }  // a count beyond the input
        refused([3]) { _ = try $0.optionalString() }
        // A fifth byte past 0x07 (on a 64-bit `Int` the value check refuses it too; the byte rule
        // is what keeps a 32-bit `Int` from wrapping).
        refused([0x80, 0x80, 0x80, 0x80, 0x10]) { _ = try $0.length() }
        // Doubles are finite: NaN and the infinities are refused (times are converted to integers).
        for value in [Double.nan, .infinity, -.infinity, .signalingNaN] {
            var writer = ByteWriter()
            writer.uint64(value.bitPattern)
            refused(writer.bytes) { _ = try $0.double() }
        }
        var maximal = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0x07])
        #expect(try maximal.length() == Int(Int32.max))
    }

    /// Random values of every kind round-trip, text of every UTF-8 length (1 to 4 bytes a scalar)
    /// among them.
    @Test func randomValuesRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let number = Int.random(in: .min ... .max, using: &generator)
            let length = Int.random(in: 0...Int(Int32.max), using: &generator)
            let text = String((0..<Int.random(in: 0...40)).map { _ in
                Character(Unicode.Scalar(UInt32.random(in: 0x20...0x10_FFFF, using: &generator)) ?? "?")
            })
            let list = (0..<Int.random(in: 0...5)).map { _ in String(Int.random(in: 0...1_000_000)) }
            let optional: String? = Bool.random() ? text : nil
            var writer = ByteWriter()
            writer.int(number)
            writer.length(length)
            writer.string(text)
            writer.strings(list)
            writer.optionalString(optional)
            var reader = ByteReader(writer.bytes)
            #expect(try reader.int() == number)
            #expect(try reader.length() == length)
            #expect(try reader.string() == text)
            #expect(try reader.strings() == list)
            #expect(try reader.optionalString() == optional)
            try reader.end()
        }
    }
}
