/// The eight data mask patterns and the penalty rules that choose between them
/// (ISO/IEC 18004:2015 §7.8.2, §7.8.3).
///
/// A mask inverts the data modules where its condition holds, to break up large areas of one
/// colour and shapes that look like finder patterns; the encoder tries all eight and keeps the one
/// with the lowest penalty. The penalty is scored on the masked symbol before the format and
/// version information are written — the standard's order of steps (§7.1), in which the format
/// information is generated from the chosen mask — with their reserved modules reading as light.
/// segno scores the same way, so the tests can compare automatic mask choices with it (segno skips
/// an N3 pattern that overlaps one it has just counted, so on rare symbols the two differ; both
/// choices are valid).
enum QRMask {
    /// Penalty weights N1–N4 (Table 11).
    static let runPenalty = 3
    static let blockPenalty = 3
    static let finderLikePenalty = 40
    static let balancePenalty = 10

    /// Whether mask `mask` (0–7) inverts the module at column `x`, row `y` (Table 10, with
    /// i = y the row and j = x the column).
    static func inverts(mask: Int, x: Int, y: Int) -> Bool {
        switch mask {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (y / 2 + x / 3) % 2 == 0
        case 5: (x * y) % 2 + (x * y) % 3 == 0
        case 6: ((x * y) % 2 + (x * y) % 3) % 2 == 0
        case 7: ((x + y) % 2 + (x * y) % 3) % 2 == 0
        default: preconditionFailure("QR code masks run from 0 to 7")
        }
    }

    /// The total penalty of a square grid of modules (row-major, `true` dark):
    /// - N1: each run of five or more same-coloured modules in a row or column scores
    ///   3 + (length − 5);
    /// - N2: each 2 × 2 block of one colour scores 3 (overlapping blocks count separately, which
    ///   equals the standard's 3 × (m − 1) × (n − 1) for an m × n block);
    /// - N3: each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) sequence in a row or column
    ///   with four light modules before or after it scores 40; outside the symbol counts as light;
    /// - N4: 10 for every full 5 % by which the share of dark modules departs from 50 %.
    static func penalty(of modules: [Bool], size: Int) -> Int {
        precondition(modules.count == size * size, "a square grid")
        var score = 0
        var line = [Bool](repeating: false, count: size)
        for y in 0..<size {
            for x in 0..<size {
                line[x] = modules[y * size + x]
            }
            score += linePenalty(line)
        }
        for x in 0..<size {
            for y in 0..<size {
                line[y] = modules[y * size + x]
            }
            score += linePenalty(line)
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = modules[y * size + x]
                if colour == modules[y * size + x + 1] && colour == modules[(y + 1) * size + x]
                    && colour == modules[(y + 1) * size + x + 1]
                {
                    score += blockPenalty
                }
            }
        }
        var dark = 0
        for module in modules where module {
            dark += 1
        }
        let total = size * size
        // k = ⌊|dark/total − 1/2| / 5 %⌋, in integers.
        score += balancePenalty * (abs(dark * 20 - total * 10) / total)
        return score
    }

    /// N1 and N3 for one row or column.
    static func linePenalty(_ line: [Bool]) -> Int {
        var score = 0
        // N1: runs of five or more.
        var runLength = 1
        for index in 1..<line.count {
            if line[index] == line[index - 1] {
                runLength += 1
            } else {
                if runLength >= 5 { score += runPenalty + runLength - 5 }
                runLength = 1
            }
        }
        if runLength >= 5 { score += runPenalty + runLength - 5 }
        // N3: 1:1:3:1:1 finder-like sequences with a light margin of four on either side.
        let count = line.count
        func isLight(_ index: Int) -> Bool { index < 0 || index >= count || !line[index] }
        func isLightMargin(from start: Int) -> Bool {
            isLight(start) && isLight(start + 1) && isLight(start + 2) && isLight(start + 3)
        }
        var start = 0
        while start + 7 <= count {
            let finderLike =
                line[start] && !line[start + 1] && line[start + 2] && line[start + 3] && line[start + 4]
                && !line[start + 5] && line[start + 6]
            if finderLike && (isLightMargin(from: start - 4) || isLightMargin(from: start + 7)) {
                score += finderLikePenalty
            }
            start += 1
        }
        return score
    }
}
