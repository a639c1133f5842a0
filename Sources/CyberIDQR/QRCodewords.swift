/// Turns a byte-mode payload into the final sequence of codewords placed in the symbol
/// (ISO/IEC 18004:2015 §7.4 data encoding, §7.5 error correction, §7.6 interleaving).
///
/// Only byte mode is implemented: CyberID's QR codes carry URIs, which are short, and the few
/// bytes numeric or alphanumeric segments could save do not justify a segment optimiser.
enum QRCodewords {
    /// The mode indicator for 8-bit byte mode (Table 2).
    static let byteModeIndicator = 0b0100

    /// The two pad codewords that alternate to fill unused data capacity (§7.4.10).
    static let padCodewords: [UInt8] = [0xEC, 0x11]

    /// The data codewords: mode indicator, character count, the bytes, a terminator of up to four
    /// zero bits, zero bits to the byte boundary, then alternating pad codewords.
    /// - Precondition: `bytes` fits the version and level (see ``QRCode/byteCapacity(version:errorCorrection:)``).
    static func dataCodewords(
        for bytes: [UInt8],
        version: Int,
        errorCorrection: QRCode.ErrorCorrection
    ) -> [UInt8] {
        let capacity = QRTables.blockStructure(version: version, errorCorrection: errorCorrection).dataCodewords
        let capacityBits = capacity * 8
        var buffer = QRBitBuffer()
        buffer.append(byteModeIndicator, bitCount: 4)
        buffer.append(bytes.count, bitCount: QRTables.characterCountBits(version: version))
        for byte in bytes {
            buffer.append(Int(byte), bitCount: 8)
        }
        precondition(buffer.count <= capacityBits, "the payload must fit the symbol")
        // Terminator: four zero bits, or fewer if the symbol is full (§7.4.9).
        buffer.append(0, bitCount: min(4, capacityBits - buffer.count))
        // Zero bits up to the next codeword boundary.
        buffer.append(0, bitCount: (8 - buffer.count % 8) % 8)
        var codewords = buffer.bytes
        var padIndex = 0
        while codewords.count < capacity {
            codewords.append(padCodewords[padIndex])
            padIndex = 1 - padIndex
        }
        return codewords
    }

    /// Splits the data codewords into blocks, appends each block's Reed–Solomon codewords, and
    /// interleaves them: the first data codeword of every block, then the second, and so on
    /// (short blocks run out one codeword early), followed by the error-correction codewords
    /// interleaved the same way (§7.6).
    static func interleave(dataCodewords: [UInt8], structure: QRTables.BlockStructure) -> [UInt8] {
        precondition(dataCodewords.count == structure.dataCodewords, "one codeword per data slot")
        let generator = ReedSolomon.cachedGenerator(degree: structure.errorCorrectionCodewordsPerBlock)
        var dataBlocks: [[UInt8]] = []
        var errorCorrectionBlocks: [[UInt8]] = []
        var offset = 0
        for block in 0..<structure.blockCount {
            let length = structure.dataCodewordCount(ofBlock: block)
            let data = Array(dataCodewords[offset..<(offset + length)])
            offset += length
            dataBlocks.append(data)
            errorCorrectionBlocks.append(ReedSolomon.remainder(of: data, generator: generator))
        }
        var result: [UInt8] = []
        result.reserveCapacity(structure.totalCodewords)
        for index in 0...structure.shortBlockDataCodewords {
            for block in dataBlocks where index < block.count {
                result.append(block[index])
            }
        }
        for index in 0..<structure.errorCorrectionCodewordsPerBlock {
            for block in errorCorrectionBlocks {
                result.append(block[index])
            }
        }
        return result
    }

    /// The complete codeword sequence for a payload at a version and level.
    static func message(for bytes: [UInt8], version: Int, errorCorrection: QRCode.ErrorCorrection) -> [UInt8] {
        interleave(
            dataCodewords: dataCodewords(for: bytes, version: version, errorCorrection: errorCorrection),
            structure: QRTables.blockStructure(version: version, errorCorrection: errorCorrection)
        )
    }
}
