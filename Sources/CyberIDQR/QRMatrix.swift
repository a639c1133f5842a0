/// The module grid of a symbol under construction (ISO/IEC 18004:2015 §6.3, §7.7–7.10).
///
/// Construction runs in the standard's order: function patterns (finders with their separators,
/// timing, alignment) and the reserved format and version areas first; then the codewords in the
/// two-module-wide zigzag; then a data mask; and last the format and version information, which
/// depend on the mask. ``isFunction`` remembers which modules belong to function patterns or
/// reserved areas, because those are skipped by data placement and never masked.
///
/// Coordinates are `x` (column, left to right) and `y` (row, top to bottom), both from 0.
struct QRMatrix {
    /// The version, 1–40.
    let version: Int
    /// Modules per side: `4 × version + 17`.
    let size: Int
    /// Row-major module colours; `true` is dark.
    private(set) var modules: [Bool]
    /// Row-major flags for modules that hold function patterns or format/version information.
    private(set) var isFunction: [Bool]

    /// A grid with every function pattern drawn and the format and version areas reserved
    /// (light), ready for ``placeCodewords(_:)``.
    init(version: Int) {
        precondition((1...40).contains(version), "QR code versions run from 1 to 40")
        let size = version * 4 + 17
        self.version = version
        self.size = size
        self.modules = [Bool](repeating: false, count: size * size)
        self.isFunction = [Bool](repeating: false, count: size * size)
        drawFunctionPatterns()
    }

    /// The colour of the module at column `x`, row `y`.
    subscript(x x: Int, y y: Int) -> Bool {
        modules[y * size + x]
    }

    // MARK: Function patterns

    private mutating func setFunctionModule(x: Int, y: Int, dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    private mutating func drawFunctionPatterns() {
        // Timing patterns (§6.3.5): row 6 and column 6, dark on even coordinates. Drawn across the
        // whole side first; the finder patterns then overwrite the ends.
        for index in 0..<size {
            setFunctionModule(x: 6, y: index, dark: index % 2 == 0)
            setFunctionModule(x: index, y: 6, dark: index % 2 == 0)
        }
        // Finder patterns with their separators (§6.3.3, §6.3.4): top left, top right, bottom left.
        drawFinderPattern(centerX: 3, centerY: 3)
        drawFinderPattern(centerX: size - 4, centerY: 3)
        drawFinderPattern(centerX: 3, centerY: size - 4)
        // Alignment patterns (§6.3.6) at every pair of centre coordinates except the three
        // corners taken by finder patterns.
        let centers = QRTables.alignmentPatternCenters[version - 1]
        let last = centers.count - 1
        for (row, centerY) in centers.enumerated() {
            for (column, centerX) in centers.enumerated() {
                let overlapsFinder =
                    (row == 0 && column == 0) || (row == 0 && column == last) || (row == last && column == 0)
                if !overlapsFinder {
                    drawAlignmentPattern(centerX: centerX, centerY: centerY)
                }
            }
        }
        // Reserve the format and version areas, light while the masks are evaluated.
        placeFormatBits(0, darkModule: false)
        placeVersionBits(0)
    }

    /// A 7 × 7 finder pattern (dark ring, light ring, dark 3 × 3 core) plus the one-module light
    /// separator around it, clipped to the symbol.
    private mutating func drawFinderPattern(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx
                let y = centerY + dy
                guard x >= 0, x < size, y >= 0, y < size else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunctionModule(x: x, y: y, dark: ring != 2 && ring != 4)
            }
        }
    }

    /// A 5 × 5 alignment pattern: dark ring, light ring, dark centre.
    private mutating func drawAlignmentPattern(centerX: Int, centerY: Int) {
        for dy in -2...2 {
            for dx in -2...2 {
                setFunctionModule(x: centerX + dx, y: centerY + dy, dark: max(abs(dx), abs(dy)) != 1)
            }
        }
    }

    // MARK: Format and version information

    /// The 15-bit format information (§7.9.1): two bits of error-correction level and three of
    /// mask, extended by a BCH(15,5) code with generator 0x537 and XORed with 0x5412 so that it
    /// is never all zero.
    static func formatBits(errorCorrection: QRCode.ErrorCorrection, mask: Int) -> Int {
        precondition((0..<8).contains(mask), "QR code masks run from 0 to 7")
        let data = (errorCorrection.formatBits << 3) | mask
        var remainder = data
        for _ in 0..<10 {
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
        }
        return ((data << 10) | remainder) ^ 0x5412
    }

    /// The 18-bit version information (§7.10) for versions 7–40: six bits of version extended by a
    /// BCH(18,6) code with generator 0x1F25.
    static func versionBits(version: Int) -> Int {
        precondition((7...40).contains(version), "only versions 7 to 40 carry version information")
        var remainder = version
        for _ in 0..<12 {
            remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
        }
        return (version << 12) | remainder
    }

    /// Writes both copies of the format information and the dark module, once the mask is known.
    mutating func drawFormatInformation(errorCorrection: QRCode.ErrorCorrection, mask: Int) {
        placeFormatBits(Self.formatBits(errorCorrection: errorCorrection, mask: mask), darkModule: true)
    }

    /// Writes both copies of the version information (versions 7 and up; otherwise nothing).
    mutating func drawVersionInformation() {
        if version >= 7 {
            placeVersionBits(Self.versionBits(version: version))
        }
    }

    /// Places the 15 format bits (bit 0 the least significant) as in Figure 25: bits 0–7 down
    /// column 8 beside the top-left finder (skipping the timing row) and bits 8–14 leftwards along
    /// row 8; the second copy has bits 0–7 leftwards along row 8 from the right edge and bits 8–14
    /// down column 8 towards the bottom edge. The module at (8, size − 8) is always dark.
    private mutating func placeFormatBits(_ bits: Int, darkModule: Bool) {
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        // First copy, around the top-left finder pattern.
        for index in 0...5 {
            setFunctionModule(x: 8, y: index, dark: bit(index))
        }
        setFunctionModule(x: 8, y: 7, dark: bit(6))
        setFunctionModule(x: 8, y: 8, dark: bit(7))
        setFunctionModule(x: 7, y: 8, dark: bit(8))
        for index in 9..<15 {
            setFunctionModule(x: 14 - index, y: 8, dark: bit(index))
        }
        // Second copy, split between the top-right and bottom-left finder patterns.
        for index in 0..<8 {
            setFunctionModule(x: size - 1 - index, y: 8, dark: bit(index))
        }
        for index in 8..<15 {
            setFunctionModule(x: 8, y: size - 15 + index, dark: bit(index))
        }
        setFunctionModule(x: 8, y: size - 8, dark: darkModule)
    }

    /// Places the 18 version bits (bit 0 the least significant) as in Figure 27: a 6 × 3 block
    /// above the bottom-left finder and its transpose left of the top-right finder.
    private mutating func placeVersionBits(_ bits: Int) {
        guard version >= 7 else { return }
        for index in 0..<18 {
            let dark = (bits >> index) & 1 == 1
            let along = size - 11 + index % 3
            let across = index / 3
            setFunctionModule(x: along, y: across, dark: dark)
            setFunctionModule(x: across, y: along, dark: dark)
        }
    }

    // MARK: Data

    /// Places the codewords, most significant bit first, in two-module-wide columns from the right
    /// edge, alternately upwards and downwards, skipping function modules and the vertical timing
    /// column (§7.7.3). Modules left over at the end are the remainder bits and stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 {
                right = 5
            }
            let upward = ((right + 1) & 2) == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for offset in 0..<2 {
                    let index = y * size + right - offset
                    if !isFunction[index] && bitIndex < bitCount {
                        modules[index] = ((codewords[bitIndex / 8] >> (7 - bitIndex % 8)) & 1) == 1
                        bitIndex += 1
                    }
                }
            }
            right -= 2
        }
        precondition(bitIndex == bitCount, "the codewords must fill the data region")
    }

    /// Inverts every non-function module for which the mask's condition holds (§7.8.2).
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && QRMask.inverts(mask: mask, x: x, y: y) {
                modules[y * size + x].toggle()
            }
        }
    }
}
