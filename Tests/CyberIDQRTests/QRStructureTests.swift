import Testing

@testable import CyberIDQR

@Suite struct QRStructureTests {
    /// ISO/IEC 18004:2015 Table C.1: format information bit sequences, masks 0 to 7 per level.
    static func formatTable(_ level: QRCode.ErrorCorrection) -> [Int] {
        switch level {
        case .low: [0x77C4, 0x72F3, 0x7DAA, 0x789D, 0x662F, 0x6318, 0x6C41, 0x6976]
        case .medium: [0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0]
        case .quartile: [0x355F, 0x3068, 0x3F31, 0x3A06, 0x24B4, 0x2183, 0x2EDA, 0x2BED]
        case .high: [0x1689, 0x13BE, 0x1CE7, 0x19D0, 0x0762, 0x0255, 0x0D0C, 0x083B]
        }
    }

    /// ISO/IEC 18004:2015 Table D.1: version information bit sequences for versions 7 to 40.
    static let versionTable: [Int] = [
        0x07C94, 0x085BC, 0x09A99, 0x0A4D3, 0x0BBF6, 0x0C762, 0x0D847, 0x0E60D,
        0x0F928, 0x10B78, 0x1145D, 0x12A17, 0x13532, 0x149A6, 0x15683, 0x168C9,
        0x177EC, 0x18EC4, 0x191E1, 0x1AFAB, 0x1B08E, 0x1CC1A, 0x1D33F, 0x1ED75,
        0x1F250, 0x209D5, 0x216F0, 0x228BA, 0x2379F, 0x24B0B, 0x2542E, 0x26A64,
        0x27541, 0x28C69,
    ]

    @Test(arguments: QRCode.ErrorCorrection.allCases)
    func formatInformationMatchesTableC1(level: QRCode.ErrorCorrection) {
        for mask in 0..<8 {
            #expect(QRMatrix.formatBits(errorCorrection: level, mask: mask) == Self.formatTable(level)[mask])
        }
    }

    @Test func versionInformationMatchesTableD1() {
        for version in 7...40 {
            #expect(QRMatrix.versionBits(version: version) == Self.versionTable[version - 7], "version \(version)")
        }
    }

    /// The block table and the geometry are independent transcriptions of the standard: every
    /// level's codewords, plus the remainder bits, must exactly fill the modules the function
    /// patterns leave free.
    @Test func blockTablesFillTheDataRegion() {
        for version in 1...40 {
            let matrix = QRMatrix(version: version)
            var freeModules = 0
            for isFunction in matrix.isFunction where !isFunction {
                freeModules += 1
            }
            for level in QRCode.ErrorCorrection.allCases {
                let structure = QRTables.blockStructure(version: version, errorCorrection: level)
                #expect(
                    structure.totalCodewords * 8 + QRTables.remainderBits(version: version) == freeModules,
                    "version \(version) \(level)"
                )
            }
        }
    }

    /// Table 1: total codewords for a few versions.
    @Test func totalCodewords() {
        let expected = [1: 26, 2: 44, 7: 196, 10: 346, 14: 581, 21: 1156, 40: 3706]
        for (version, total) in expected {
            for level in QRCode.ErrorCorrection.allCases {
                #expect(QRTables.blockStructure(version: version, errorCorrection: level).totalCodewords == total)
            }
        }
    }

    /// Annex E: alignment coordinates run from 6 to size − 7, `version / 7 + 2` of them.
    @Test func alignmentPatternCentersSpanTheSymbol() {
        #expect(QRTables.alignmentPatternCenters[0].isEmpty)
        for version in 2...40 {
            let centers = QRTables.alignmentPatternCenters[version - 1]
            #expect(centers.count == version / 7 + 2, "version \(version)")
            #expect(centers.first == 6)
            #expect(centers.last == version * 4 + 17 - 7)
            #expect(centers == centers.sorted())
        }
    }

    /// Table 7: byte-mode capacities (L, M, Q, H).
    @Test func byteCapacitiesMatchTable7() {
        let expected: [Int: [Int]] = [
            1: [17, 14, 11, 7],
            2: [32, 26, 20, 14],
            7: [154, 122, 86, 64],
            9: [230, 180, 130, 98],
            10: [271, 213, 151, 119],
            20: [858, 666, 482, 382],
            27: [1465, 1125, 805, 625],
            40: [2953, 2331, 1663, 1273],
        ]
        for (version, capacities) in expected {
            let actual = QRCode.ErrorCorrection.allCases.map {
                QRCode.byteCapacity(version: version, errorCorrection: $0)
            }
            #expect(actual == capacities, "version \(version)")
        }
    }

    @Test(arguments: QRCode.ErrorCorrection.allCases)
    func smallestVersionIsChosenAtEveryBoundary(level: QRCode.ErrorCorrection) {
        #expect(QRCode.minimumVersion(byteCount: 0, errorCorrection: level) == 1)
        for version in 1...40 {
            let capacity = QRCode.byteCapacity(version: version, errorCorrection: level)
            #expect(QRCode.minimumVersion(byteCount: capacity, errorCorrection: level) == version)
            let next: Int? = version < 40 ? version + 1 : nil
            #expect(QRCode.minimumVersion(byteCount: capacity + 1, errorCorrection: level) == next)
        }
    }

    @Test func bitBufferPacksMostSignificantBitFirst() {
        var buffer = QRBitBuffer()
        buffer.append(0b0100, bitCount: 4)
        buffer.append(0x0B, bitCount: 8)
        buffer.append(0, bitCount: 0)
        buffer.append(0xF, bitCount: 4)
        #expect(buffer.count == 16)
        #expect(buffer.bytes == [0x40, 0xBF])
    }

    /// "hello world" at 1-M: mode 0100, count 00001011, the bytes, terminator, then pads.
    @Test func dataCodewordsForHelloWorld() {
        let codewords = QRCodewords.dataCodewords(for: Array("hello world".utf8), version: 1, errorCorrection: .medium)
        #expect(codewords == [64, 182, 134, 86, 198, 198, 242, 7, 118, 247, 38, 198, 64, 236, 17, 236])
    }

    @Test func fullSymbolGetsAShortTerminatorAndNoPadding() {
        // 14 bytes fill 1-M: 4 + 8 + 112 = 124 bits, so only four terminator bits fit.
        let payload = [UInt8](repeating: 0xFF, count: 14)
        let codewords = QRCodewords.dataCodewords(for: payload, version: 1, errorCorrection: .medium)
        #expect(codewords.count == 16)
        #expect(codewords.first == 0x40)
        #expect(codewords.last == 0xF0)
    }

    @Test func masksFollowTable10() {
        // Spot checks at (x, y) = (column, row).
        #expect(QRMask.inverts(mask: 0, x: 0, y: 0) && !QRMask.inverts(mask: 0, x: 1, y: 0))
        #expect(QRMask.inverts(mask: 1, x: 5, y: 2) && !QRMask.inverts(mask: 1, x: 2, y: 5))
        #expect(QRMask.inverts(mask: 2, x: 3, y: 1) && !QRMask.inverts(mask: 2, x: 1, y: 3))
        #expect(QRMask.inverts(mask: 3, x: 1, y: 2) && !QRMask.inverts(mask: 3, x: 1, y: 1))
        #expect(QRMask.inverts(mask: 4, x: 2, y: 1) && !QRMask.inverts(mask: 4, x: 3, y: 0))
        #expect(QRMask.inverts(mask: 5, x: 6, y: 5) && !QRMask.inverts(mask: 5, x: 1, y: 1))
        #expect(QRMask.inverts(mask: 6, x: 1, y: 1) && !QRMask.inverts(mask: 6, x: 1, y: 3))
        #expect(QRMask.inverts(mask: 7, x: 0, y: 0) && !QRMask.inverts(mask: 7, x: 1, y: 0))
    }

    @Test func penaltyRules() {
        // N1: a run of 7 scores 3 + 2.
        #expect(QRMask.linePenalty([true, true, true, true, true, true, true, false, true, false, true]) == 5)
        // N3: 1011101 followed by four light modules scores 40.
        let finderLike: [Bool] = [
            true, true, false, true, false, true, true, true, false, true, false, false, false, false,
        ]
        #expect(QRMask.linePenalty(finderLike) == 40)
        // Outside the symbol counts as light, so the pattern at the very start scores too.
        #expect(QRMask.linePenalty([true, false, true, true, true, false, true, true, false, true, true]) == 40)
        // Without a light margin on either side it does not.
        #expect(QRMask.linePenalty([true, true, false, true, true, true, false, true, true, false, true, true]) == 0)
        // N2 and N4 on an all-dark 21 × 21 grid: 42 runs of 21 (3 + 16 each), 400 blocks,
        // and a 100 % dark share, ten 5 % steps from 50 %.
        let dark = [Bool](repeating: true, count: 21 * 21)
        #expect(QRMask.penalty(of: dark, size: 21) == 42 * 19 + 400 * 3 + 100)
    }

    @Test func bitParallelPenaltyEqualsTheReferenceScoring() {
        // Random grids of every width the fast path takes, at several dark densities, and
        // the same rules line by line (runs and finder-like patterns at the edges included).
        var generator = SystemRandomNumberGenerator()
        for size in stride(from: 7, through: 64, by: 3) {
            for density in [0.2, 0.5, 0.8] {
                let grid = (0..<(size * size)).map { _ in Double.random(in: 0..<1, using: &generator) < density }
                #expect(
                    QRMask.bitParallelPenalty(of: grid, size: size) == QRMask.referencePenalty(of: grid, size: size),
                    "size \(size), density \(density)")
            }
        }
        // Single lines made of random runs (1–12 long, so N1's long runs are common), every width
        // from 5 to 64: the word scoring against the run-by-run scoring.
        for size in 5...64 {
            for _ in 0..<50 {
                var line = [Bool]()
                var colour = Bool.random(using: &generator)
                while line.count < size {
                    line += [Bool](repeating: colour, count: min(Int.random(in: 1...12, using: &generator), size - line.count))
                    colour.toggle()
                }
                let bits = line.enumerated().reduce(UInt64(0)) { $0 | ($1.element ? 1 << UInt64($1.offset) : 0) }
                let mask: UInt64 = size == 64 ? ~0 : (1 << UInt64(size)) - 1
                #expect(QRMask.linePenalty(bits: bits, size: size, full: mask) == QRMask.linePenalty(line), "\(line)")
            }
        }
        // Lines of one colour, and runs of exactly five at either end, at the widest line.
        let all: UInt64 = ~0
        for line in [UInt64(0), all, 0b11111, all << 59, 0b11111 | all << 59, ~UInt64(0b11111)] {
            let modules = (0..<64).map { line >> UInt64($0) & 1 == 1 }
            #expect(QRMask.linePenalty(bits: line, size: 64, full: all) == QRMask.linePenalty(modules), "\(String(line, radix: 2))")
        }
        #expect(QRMask.linePenalty(bits: all, size: 64, full: all) == 3 + 59)
        let full: UInt64 = (1 << 11) - 1
        let finderAtStart: [Bool] = [true, false, true, true, true, false, true, true, false, true, true]
        let bits = finderAtStart.enumerated().reduce(UInt64(0)) { $0 | ($1.element ? 1 << UInt64($1.offset) : 0) }
        #expect(QRMask.linePenalty(bits: bits, size: 11, full: full) == QRMask.linePenalty(finderAtStart))
    }

    @Test func everyMaskOfRealSymbolsScoresTheSameBothWays() throws {
        for text in ["cyberid://login?iss=https%3A%2F%2Fid.example&t=" + String(repeating: "Ab9-_", count: 30), "HELLO"] {
            let code = try QRCode(text: text, errorCorrection: .medium)
            for mask in 0..<8 {
                let masked = try QRCode(bytes: Array(text.utf8), errorCorrection: .medium, version: code.version, mask: mask)
                let grid = (0..<masked.size).flatMap { y in (0..<masked.size).map { x in masked[x: x, y: y] } }
                #expect(
                    QRMask.bitParallelPenalty(of: grid, size: masked.size)
                        == QRMask.referencePenalty(of: grid, size: masked.size))
            }
        }
    }

    @Test func maskingAsWordsScoresAndChoosesLikeMaskingEachCopy() {
        // Random payloads filling versions 1–11 (every width the word path takes): for each mask,
        // the grid XORed with the cached inversions scores what the masked copy scores, and the
        // chosen mask is the one the plain trial chooses.
        var generator = SystemRandomNumberGenerator()
        for version in 1...11 {
            for _ in 0..<4 {
                let capacity = QRCode.byteCapacity(version: version, errorCorrection: .medium)
                let bytes = (0..<Int.random(in: 1...capacity, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
                var matrix = QRMatrix(version: version)
                matrix.placeCodewords(QRCodewords.message(for: bytes, version: version, errorCorrection: .medium))
                let (rows, columns) = QRMask.words(of: matrix.modules, size: matrix.size)
                let inversions = QRMask.inversions(version: version, isFunction: matrix.isFunction, size: matrix.size)
                for mask in 0..<8 {
                    var trial = matrix
                    trial.applyMask(mask)
                    let maskedRows = zip(rows, inversions.rows[mask]).map { $0 ^ $1 }
                    let maskedColumns = zip(columns, inversions.columns[mask]).map { $0 ^ $1 }
                    #expect(
                        QRMask.bitParallelPenalty(rows: maskedRows, columns: maskedColumns, size: matrix.size)
                            == QRMask.referencePenalty(of: trial.modules, size: trial.size),
                        "version \(version), mask \(mask)")
                }
                #expect(QRCode.bestMask(for: matrix) == QRCode.bestMaskByTrial(for: matrix), "version \(version)")
            }
        }
    }
}
