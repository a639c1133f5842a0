/// The constants of ISO/IEC 18004:2015 that depend on the version: the error-correction block
/// structure (Table 9) and the alignment pattern centres (Annex E, Table E.1).
///
/// They are transcribed as tables rather than derived from formulas so that each row can be read
/// side by side with the standard; the values were checked against two independent encoders
/// (segno and python-qrcode), and the tests tie them to the symbol geometry (every table's
/// codewords, plus the remainder bits, exactly fill the modules left by the function patterns).
enum QRTables {
    /// One row of Table 9: how the codewords of a version and level split into blocks.
    ///
    /// Every block carries the same number of error-correction codewords. The first
    /// ``shortBlockCount`` blocks carry ``shortBlockDataCodewords`` data codewords each and the
    /// remaining ``longBlockCount`` blocks one more; the standard never needs more than these
    /// two groups.
    struct BlockStructure: Sendable, Equatable {
        /// Error-correction codewords in every block.
        let errorCorrectionCodewordsPerBlock: Int
        /// Blocks in the first group.
        let shortBlockCount: Int
        /// Data codewords in each block of the first group.
        let shortBlockDataCodewords: Int
        /// Blocks in the second group, each with one more data codeword (often zero).
        let longBlockCount: Int

        /// All blocks.
        var blockCount: Int { shortBlockCount + longBlockCount }

        /// Data codewords in the whole symbol.
        var dataCodewords: Int {
            shortBlockCount * shortBlockDataCodewords + longBlockCount * (shortBlockDataCodewords + 1)
        }

        /// Data and error-correction codewords in the whole symbol.
        var totalCodewords: Int { dataCodewords + blockCount * errorCorrectionCodewordsPerBlock }

        /// Data codewords in block `index` (short blocks come first).
        func dataCodewordCount(ofBlock index: Int) -> Int {
            index < shortBlockCount ? shortBlockDataCodewords : shortBlockDataCodewords + 1
        }
    }

    /// Table 9 flattened: for each version 1–40 a row of four levels in the order L, M, Q, H,
    /// each level four numbers — error-correction codewords per block, blocks in group 1, data
    /// codewords per group-1 block, blocks in group 2 (whose blocks hold one more data codeword).
    /// A flat `[Int]` keeps the literal cheap for the type checker; swift-format is told to leave
    /// the columns aligned.
    // swift-format-ignore
    static let blockTable: [Int] = [
        // L: ec, g1, data, g2    M: ec, g1, data, g2    Q: ec, g1, data, g2    H: ec, g1, data, g2
         7,  1,  19,  0,   10,  1,  16,  0,   13,  1,  13,  0,   17,  1,   9,  0,  // 1
        10,  1,  34,  0,   16,  1,  28,  0,   22,  1,  22,  0,   28,  1,  16,  0,  // 2
        15,  1,  55,  0,   26,  1,  44,  0,   18,  2,  17,  0,   22,  2,  13,  0,  // 3
        20,  1,  80,  0,   18,  2,  32,  0,   26,  2,  24,  0,   16,  4,   9,  0,  // 4
        26,  1, 108,  0,   24,  2,  43,  0,   18,  2,  15,  2,   22,  2,  11,  2,  // 5
        18,  2,  68,  0,   16,  4,  27,  0,   24,  4,  19,  0,   28,  4,  15,  0,  // 6
        20,  2,  78,  0,   18,  4,  31,  0,   18,  2,  14,  4,   26,  4,  13,  1,  // 7
        24,  2,  97,  0,   22,  2,  38,  2,   22,  4,  18,  2,   26,  4,  14,  2,  // 8
        30,  2, 116,  0,   22,  3,  36,  2,   20,  4,  16,  4,   24,  4,  12,  4,  // 9
        18,  2,  68,  2,   26,  4,  43,  1,   24,  6,  19,  2,   28,  6,  15,  2,  // 10
        20,  4,  81,  0,   30,  1,  50,  4,   28,  4,  22,  4,   24,  3,  12,  8,  // 11
        24,  2,  92,  2,   22,  6,  36,  2,   26,  4,  20,  6,   28,  7,  14,  4,  // 12
        26,  4, 107,  0,   22,  8,  37,  1,   24,  8,  20,  4,   22, 12,  11,  4,  // 13
        30,  3, 115,  1,   24,  4,  40,  5,   20, 11,  16,  5,   24, 11,  12,  5,  // 14
        22,  5,  87,  1,   24,  5,  41,  5,   30,  5,  24,  7,   24, 11,  12,  7,  // 15
        24,  5,  98,  1,   28,  7,  45,  3,   24, 15,  19,  2,   30,  3,  15, 13,  // 16
        28,  1, 107,  5,   28, 10,  46,  1,   28,  1,  22, 15,   28,  2,  14, 17,  // 17
        30,  5, 120,  1,   26,  9,  43,  4,   28, 17,  22,  1,   28,  2,  14, 19,  // 18
        28,  3, 113,  4,   26,  3,  44, 11,   26, 17,  21,  4,   26,  9,  13, 16,  // 19
        28,  3, 107,  5,   26,  3,  41, 13,   30, 15,  24,  5,   28, 15,  15, 10,  // 20
        28,  4, 116,  4,   26, 17,  42,  0,   28, 17,  22,  6,   30, 19,  16,  6,  // 21
        28,  2, 111,  7,   28, 17,  46,  0,   30,  7,  24, 16,   24, 34,  13,  0,  // 22
        30,  4, 121,  5,   28,  4,  47, 14,   30, 11,  24, 14,   30, 16,  15, 14,  // 23
        30,  6, 117,  4,   28,  6,  45, 14,   30, 11,  24, 16,   30, 30,  16,  2,  // 24
        26,  8, 106,  4,   28,  8,  47, 13,   30,  7,  24, 22,   30, 22,  15, 13,  // 25
        28, 10, 114,  2,   28, 19,  46,  4,   28, 28,  22,  6,   30, 33,  16,  4,  // 26
        30,  8, 122,  4,   28, 22,  45,  3,   30,  8,  23, 26,   30, 12,  15, 28,  // 27
        30,  3, 117, 10,   28,  3,  45, 23,   30,  4,  24, 31,   30, 11,  15, 31,  // 28
        30,  7, 116,  7,   28, 21,  45,  7,   30,  1,  23, 37,   30, 19,  15, 26,  // 29
        30,  5, 115, 10,   28, 19,  47, 10,   30, 15,  24, 25,   30, 23,  15, 25,  // 30
        30, 13, 115,  3,   28,  2,  46, 29,   30, 42,  24,  1,   30, 23,  15, 28,  // 31
        30, 17, 115,  0,   28, 10,  46, 23,   30, 10,  24, 35,   30, 19,  15, 35,  // 32
        30, 17, 115,  1,   28, 14,  46, 21,   30, 29,  24, 19,   30, 11,  15, 46,  // 33
        30, 13, 115,  6,   28, 14,  46, 23,   30, 44,  24,  7,   30, 59,  16,  1,  // 34
        30, 12, 121,  7,   28, 12,  47, 26,   30, 39,  24, 14,   30, 22,  15, 41,  // 35
        30,  6, 121, 14,   28,  6,  47, 34,   30, 46,  24, 10,   30,  2,  15, 64,  // 36
        30, 17, 122,  4,   28, 29,  46, 14,   30, 49,  24, 10,   30, 24,  15, 46,  // 37
        30,  4, 122, 18,   28, 13,  46, 32,   30, 48,  24, 14,   30, 42,  15, 32,  // 38
        30, 20, 117,  4,   28, 40,  47,  7,   30, 43,  24, 22,   30, 10,  15, 67,  // 39
        30, 19, 118,  6,   28, 18,  47, 31,   30, 34,  24, 34,   30, 20,  15, 61,  // 40
    ]

    /// The block structure for a version (1–40) and level.
    static func blockStructure(version: Int, errorCorrection: QRCode.ErrorCorrection) -> BlockStructure {
        precondition((1...40).contains(version), "QR code versions run from 1 to 40")
        let start = ((version - 1) * 4 + errorCorrection.tableIndex) * 4
        return BlockStructure(
            errorCorrectionCodewordsPerBlock: blockTable[start],
            shortBlockCount: blockTable[start + 1],
            shortBlockDataCodewords: blockTable[start + 2],
            longBlockCount: blockTable[start + 3]
        )
    }

    /// Annex E, Table E.1: the row and column coordinates of alignment pattern centres, indexed
    /// by version − 1. Patterns sit at every pair of these coordinates except the three that
    /// would overlap a finder pattern.
    static let alignmentPatternCenters: [[Int]] = [
        [],  // 1
        [6, 18],  // 2
        [6, 22],  // 3
        [6, 26],  // 4
        [6, 30],  // 5
        [6, 34],  // 6
        [6, 22, 38],  // 7
        [6, 24, 42],  // 8
        [6, 26, 46],  // 9
        [6, 28, 50],  // 10
        [6, 30, 54],  // 11
        [6, 32, 58],  // 12
        [6, 34, 62],  // 13
        [6, 26, 46, 66],  // 14
        [6, 26, 48, 70],  // 15
        [6, 26, 50, 74],  // 16
        [6, 30, 54, 78],  // 17
        [6, 30, 56, 82],  // 18
        [6, 30, 58, 86],  // 19
        [6, 34, 62, 90],  // 20
        [6, 28, 50, 72, 94],  // 21
        [6, 26, 50, 74, 98],  // 22
        [6, 30, 54, 78, 102],  // 23
        [6, 28, 54, 80, 106],  // 24
        [6, 32, 58, 84, 110],  // 25
        [6, 30, 58, 86, 114],  // 26
        [6, 34, 62, 90, 118],  // 27
        [6, 26, 50, 74, 98, 122],  // 28
        [6, 30, 54, 78, 102, 126],  // 29
        [6, 26, 52, 78, 104, 130],  // 30
        [6, 30, 56, 82, 108, 134],  // 31
        [6, 34, 60, 86, 112, 138],  // 32
        [6, 30, 58, 86, 114, 142],  // 33
        [6, 34, 62, 90, 118, 146],  // 34
        [6, 30, 54, 78, 102, 126, 150],  // 35
        [6, 24, 50, 76, 102, 128, 154],  // 36
        [6, 28, 54, 80, 106, 132, 158],  // 37
        [6, 32, 58, 84, 110, 136, 162],  // 38
        [6, 26, 54, 82, 110, 138, 166],  // 39
        [6, 30, 58, 86, 114, 142, 170],  // 40
    ]

    /// Remainder bits (Table 1): the modules left over after the last codeword, which stay light
    /// before masking.
    static func remainderBits(version: Int) -> Int {
        switch version {
        case 2...6: 7
        case 14...20, 28...34: 3
        case 21...27: 4
        default: 0
        }
    }

    /// Bits of the character count indicator in byte mode (Table 3): 8 up to version 9, then 16.
    static func characterCountBits(version: Int) -> Int {
        version <= 9 ? 8 : 16
    }
}
