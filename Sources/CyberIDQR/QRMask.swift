import Synchronization

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
        return size <= 64 ? bitParallelPenalty(of: modules, size: size) : referencePenalty(of: modules, size: size)
    }

    /// The same score for symbols up to 64 modules wide (versions 1–11, every login link),
    /// with each row and column held as one 64-bit word: N2 and N4 become a few word operations
    /// per row, N1 walks run boundaries with `trailingZeroBitCount`, and N3 matches the
    /// 1:1:3:1:1 pattern and its light margins with shifts of a 128-bit word padded by four
    /// light modules on each side. Eight masks of a version 10 symbol cost a few microseconds
    /// instead of most of a login page.
    static func bitParallelPenalty(of modules: [Bool], size: Int) -> Int {
        precondition(size <= 64 && modules.count == size * size, "a square grid up to 64 wide")
        let (rows, columns) = words(of: modules, size: size)
        return bitParallelPenalty(rows: rows, columns: columns, size: size)
    }

    /// The grid as row words (bit x of row y) and column words (bit y of column x).
    static func words(of modules: [Bool], size: Int) -> (rows: [UInt64], columns: [UInt64]) {
        var rows = [UInt64](repeating: 0, count: size)
        var columns = [UInt64](repeating: 0, count: size)
        modules.withUnsafeBufferPointer { grid in
            for y in 0..<size {
                var row: UInt64 = 0
                let base = y * size
                for x in 0..<size where grid[base + x] {
                    row |= 1 << UInt64(x)
                    columns[x] |= 1 << UInt64(y)
                }
                rows[y] = row
            }
        }
        return (rows, columns)
    }

    /// The penalty of a grid given as row and column words (see ``words(of:size:)``).
    static func bitParallelPenalty(rows: [UInt64], columns: [UInt64], size: Int) -> Int {
        let full: UInt64 = size == 64 ? ~0 : (1 << UInt64(size)) - 1
        var score = 0
        var dark = 0
        for y in 0..<size {
            dark += rows[y].nonzeroBitCount
            score += linePenalty(bits: rows[y], size: size, full: full)
            score += linePenalty(bits: columns[y], size: size, full: full)
            if y < size - 1 {
                let a = rows[y]
                let b = rows[y + 1]
                let sameVertically = ~(a ^ b)
                let sameHorizontally = ~(a ^ (a >> 1))
                let blocks = sameVertically & (sameVertically >> 1) & sameHorizontally & (full >> 1)
                score += blockPenalty * blocks.nonzeroBitCount
            }
        }
        let total = size * size
        score += balancePenalty * (abs(dark * 20 - total * 10) / total)
        return score
    }

    /// For one version up to 64 modules wide: the modules each mask inverts (its condition, less
    /// the function modules and reserved areas), as row and column words. Masking a grid held as
    /// words is then one XOR per row and per column.
    struct Inversions: Sendable {
        /// `rows[mask][y]`, `columns[mask][x]`.
        let rows: [[UInt64]]
        let columns: [[UInt64]]

        init(isFunction: [Bool], size: Int) {
            precondition(size <= 64 && isFunction.count == size * size, "a square grid up to 64 wide")
            var rows = [[UInt64]](repeating: [UInt64](repeating: 0, count: size), count: 8)
            var columns = rows
            for mask in 0..<8 {
                for y in 0..<size {
                    for x in 0..<size where !isFunction[y * size + x] && QRMask.inverts(mask: mask, x: x, y: y) {
                        rows[mask][y] |= 1 << UInt64(x)
                        columns[mask][x] |= 1 << UInt64(y)
                    }
                }
            }
            self.rows = rows
            self.columns = columns
        }
    }

    /// ``Inversions`` per version, made once per process (versions 1–11).
    private static let inversionsCache = Mutex<[Int: Inversions]>([:])

    static func inversions(version: Int, isFunction: [Bool], size: Int) -> Inversions {
        if let cached = inversionsCache.withLock({ $0[version] }) { return cached }
        let made = Inversions(isFunction: isFunction, size: size)
        inversionsCache.withLock { $0[version] = made }
        return made
    }

    /// The mask (0–7) with the lowest penalty for an unmasked grid up to 64 modules wide, the
    /// lowest-numbered winning a tie: the grid is turned into words once and each mask is eight
    /// XORed copies of them, instead of masking and converting the module array eight times.
    static func bestMask(unmasked modules: [Bool], isFunction: [Bool], version: Int, size: Int) -> Int {
        let (rows, columns) = words(of: modules, size: size)
        let inversions = inversions(version: version, isFunction: isFunction, size: size)
        var best = 0
        var bestScore = Int.max
        var maskedRows = rows
        var maskedColumns = columns
        for candidate in 0..<8 {
            for index in 0..<size {
                maskedRows[index] = rows[index] ^ inversions.rows[candidate][index]
                maskedColumns[index] = columns[index] ^ inversions.columns[candidate][index]
            }
            let score = bitParallelPenalty(rows: maskedRows, columns: maskedColumns, size: size)
            if score < bestScore {
                best = candidate
                bestScore = score
            }
        }
        return best
    }

    /// N1 and N3 for one line held as bits (bit i = module i).
    static func linePenalty(bits line: UInt64, size: Int, full: UInt64) -> Int {
        // N1 without a loop: a run of L ≥ 5 scores 3 + (L − 5) = (L − 4) + 2, and it holds L − 4
        // windows of five equal modules, consecutive, the first of which has no window just
        // before it. So N1 = (windows of five) + 2 × (windows that start a run).
        let same = ~(line ^ (line >> 1)) & (full >> 1)  // bit i: module i equals module i + 1
        let five = same & (same >> 1) & (same >> 2) & (same >> 3)  // bit i: modules i…i+4 equal
        var score = five.nonzeroBitCount + (runPenalty - 1) * (five & ~(five << 1)).nonzeroBitCount
        // N3: pad with four light modules each side (outside the symbol reads as light).
        let padded = UInt128(line) << 4
        let light = ~padded
        let pattern = padded & ~(padded >> 1) & (padded >> 2) & (padded >> 3) & (padded >> 4) & ~(padded >> 5) & (padded >> 6)
        let before = (light << 1) & (light << 2) & (light << 3) & (light << 4)
        let after = (light >> 7) & (light >> 8) & (light >> 9) & (light >> 10)
        // Pattern starts at padded positions 4 … 4 + size − 7.
        guard size >= 7 else { return score }
        let starts = ((UInt128(1) << UInt128(size - 6)) - 1) << 4
        score += finderLikePenalty * (pattern & (before | after) & starts).nonzeroBitCount
        return score
    }

    /// The straightforward scoring, for symbols wider than 64 modules and as the tests' reference.
    static func referencePenalty(of modules: [Bool], size: Int) -> Int {
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
    ///
    /// Both rules are scored on the line's runs rather than module by module: N1 is a run of
    /// five or more; an N3 pattern at any module position is exactly five consecutive runs
    /// dark(a) light(1) dark(3) light(1) dark(b), a and b ≥ 1, whose 1:1:3:1:1 core starts at
    /// the last module of the first run — so it has a light margin of four before it only if
    /// a = 1 and the run before is light and four long (or reaches the edge), and after it only
    /// if b = 1 and likewise.
    static func linePenalty(_ grid: UnsafeBufferPointer<Bool>, start: Int, step: Int, count: Int) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { lengths in
            var runs = 0
            var colour = grid[start]
            let firstDark = colour
            var length = 1
            var score = 0
            for index in 1..<count {
                let current = grid[start + index * step]
                if current == colour {
                    length += 1
                } else {
                    lengths[runs] = length
                    runs += 1
                    if length >= 5 { score += runPenalty + length - 5 }
                    colour = current
                    length = 1
                }
            }
            lengths[runs] = length
            runs += 1
            if length >= 5 { score += runPenalty + length - 5 }
            // Runs alternate colour; run r is dark when r's parity matches the first run's.
            var run = firstDark ? 0 : 1
            while run + 4 < runs {
                if lengths[run + 1] == 1 && lengths[run + 2] == 3 && lengths[run + 3] == 1 {
                    let lightBefore = lengths[run] == 1 && isLightEdgeRun(run - 1, lengths, runs: runs, towardsStart: true)
                    let lightAfter = lengths[run + 4] == 1 && isLightEdgeRun(run + 5, lengths, runs: runs, towardsStart: false)
                    if lightBefore || lightAfter { score += finderLikePenalty }
                }
                run += 2
            }
            return score
        }
    }

    /// Whether the light run `run` (beside a pattern) gives it a margin of four: it is four long,
    /// or it touches the symbol's edge (outside reads as light), or there is no run at all.
    private static func isLightEdgeRun(
        _ run: Int, _ lengths: UnsafeMutableBufferPointer<Int>, runs: Int, towardsStart: Bool
    ) -> Bool {
        if run < 0 || run >= runs { return true }
        if lengths[run] >= 4 { return true }
        return towardsStart ? run == 0 : run == runs - 1
    }
}
