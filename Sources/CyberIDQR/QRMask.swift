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
        // Runs 8 times per symbol on every login page: one pass over unsafe buffers, rows and
        // columns read in place by stride rather than copied.
        return modules.withUnsafeBufferPointer { grid in
            var score = 0
            for index in 0..<size {
                score += linePenalty(grid, start: index * size, step: 1, count: size)
                score += linePenalty(grid, start: index, step: size, count: size)
            }
            var dark = 0
            for y in 0..<size {
                let row = y * size
                for x in 0..<size where grid[row + x] { dark += 1 }
                guard y < size - 1 else { continue }
                let below = row + size
                for x in 0..<(size - 1) {
                    let colour = grid[row + x]
                    if colour == grid[row + x + 1] && colour == grid[below + x] && colour == grid[below + x + 1] {
                        score += blockPenalty
                    }
                }
            }
            let total = size * size
            // k = ⌊|dark/total − 1/2| / 5 %⌋, in integers.
            score += balancePenalty * (abs(dark * 20 - total * 10) / total)
            return score
        }
    }

    /// N1 and N3 for one row or column (kept for the tests that score a single line).
    static func linePenalty(_ line: [Bool]) -> Int {
        line.withUnsafeBufferPointer { linePenalty($0, start: 0, step: 1, count: line.count) }
    }

    /// N1 and N3 for the line of `count` modules at `start`, `step` apart; modules outside the
    /// symbol read as light.
    static func linePenalty(_ grid: UnsafeBufferPointer<Bool>, start: Int, step: Int, count: Int) -> Int {
        @inline(__always) func dark(_ index: Int) -> Bool { index >= 0 && index < count && grid[start + index * step] }
        var score = 0
        // N1: runs of five or more.
        var runLength = 1
        var previous = dark(0)
        for index in 1..<count {
            let current = dark(index)
            if current == previous {
                runLength += 1
            } else {
                if runLength >= 5 { score += runPenalty + runLength - 5 }
                runLength = 1
                previous = current
            }
        }
        if runLength >= 5 { score += runPenalty + runLength - 5 }
        // N3: 1:1:3:1:1 finder-like sequences with a light margin of four on either side.
        var index = 0
        while index + 7 <= count {
            if dark(index) && !dark(index + 1) && dark(index + 2) && dark(index + 3) && dark(index + 4)
                && !dark(index + 5) && dark(index + 6)
            {
                let lightBefore = !dark(index - 4) && !dark(index - 3) && !dark(index - 2) && !dark(index - 1)
                let lightAfter = !dark(index + 7) && !dark(index + 8) && !dark(index + 9) && !dark(index + 10)
                if lightBefore || lightAfter { score += finderLikePenalty }
            }
            index += 1
        }
        return score
    }
}
