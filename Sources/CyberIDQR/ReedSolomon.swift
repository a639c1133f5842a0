/// Reed–Solomon error correction over GF(2⁸) as QR codes use it (ISO/IEC 18004:2015 §7.5.2).
///
/// The field is built on the primitive polynomial `x⁸ + x⁴ + x³ + x² + 1` (0x11D) with α = 2.
/// The generator polynomial of degree *n* is `(x − α⁰)(x − α¹)…(x − αⁿ⁻¹)`, and the
/// error-correction codewords of a block are the remainder of `data(x)·xⁿ` divided by it.
/// Logarithm and exponent tables make multiplication two look-ups; the sizes involved (at most
/// 30 error-correction codewords per block, a few thousand codewords per symbol) make anything
/// cleverer pointless.
enum ReedSolomon {
    /// The field's reducing polynomial, with the x⁸ term.
    static let fieldPolynomial = 0x11D

    /// `exponents[i] = αⁱ` for `i` in `0..<510`: the 255 powers written twice, so the sum of two
    /// logarithms (at most 508) indexes the table without a modulo.
    static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for power in 0..<255 {
            table[power] = UInt8(value)
            table[power + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= ReedSolomon.fieldPolynomial }
        }
        return table
    }()

    /// `logarithms[v] = i` such that `αⁱ = v`, for `v` in `1...255`; entry 0 is unused.
    static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for power in 0..<255 {
            table[Int(ReedSolomon.exponents[power])] = power
        }
        return table
    }()

    /// The product of two field elements.
    static func multiply(_ lhs: UInt8, _ rhs: UInt8) -> UInt8 {
        if lhs == 0 || rhs == 0 { return 0 }
        return exponents[logarithms[Int(lhs)] + logarithms[Int(rhs)]]
    }

    /// The generator polynomial of the given degree, highest power first; the leading
    /// coefficient is 1, so the result has `degree + 1` entries.
    static func generator(degree: Int) -> [UInt8] {
        precondition(degree >= 1 && degree <= 254, "a Reed–Solomon generator has degree 1...254")
        var coefficients: [UInt8] = [1]
        for power in 0..<degree {
            let root = exponents[power]
            // Multiply by (x − root); in GF(2⁸) subtraction is addition (XOR).
            var next = [UInt8](repeating: 0, count: coefficients.count + 1)
            for (index, coefficient) in coefficients.enumerated() {
                next[index] ^= coefficient
                next[index + 1] ^= multiply(coefficient, root)
            }
            coefficients = next
        }
        return coefficients
    }

    /// The error-correction codewords for one block: the remainder of `data(x)·xⁿ` modulo the
    /// generator, highest power first, `generator.count − 1` bytes long.
    ///
    /// The tables are read into locals once and the generator's coefficients taken as
    /// logarithms once, so the inner loop is one addition and one look-up (reading a `static let`
    /// in the loop went through its one-time initialiser check on every product).
    static func remainder(of data: [UInt8], generator: [UInt8]) -> [UInt8] {
        let degree = generator.count - 1
        precondition(degree >= 1, "a generator has degree 1 or more")
        let exponents = Self.exponents
        let logarithms = Self.logarithms
        // A generator's coefficients are products of non-zero elements: none is zero, so each
        // has a logarithm. (-1 marks a zero all the same, for any polynomial passed in.)
        let generatorLogarithms = generator.dropFirst().map { $0 == 0 ? -1 : logarithms[Int($0)] }
        var remainder = [UInt8](repeating: 0, count: degree)
        for byte in data {
            // Long division, one data codeword at a time, on a shift register.
            let factor = byte ^ remainder[0]
            for index in 0..<(degree - 1) { remainder[index] = remainder[index + 1] }
            remainder[degree - 1] = 0
            guard factor != 0 else { continue }
            let factorLogarithm = logarithms[Int(factor)]
            for index in 0..<degree where generatorLogarithms[index] >= 0 {
                remainder[index] ^= exponents[generatorLogarithms[index] + factorLogarithm]
            }
        }
        return remainder
    }

    /// The generator polynomials of degrees 1...30 (every degree a QR block uses), computed once;
    /// `generators[d - 1]` has degree `d`.
    static let generators: [[UInt8]] = (1...30).map { generator(degree: $0) }

    /// The generator of `degree` (1...254), from ``generators`` when it is there.
    static func cachedGenerator(degree: Int) -> [UInt8] {
        precondition(degree >= 1 && degree <= 254, "a Reed–Solomon generator has degree 1...254")
        return degree <= generators.count ? generators[degree - 1] : generator(degree: degree)
    }

    /// The error-correction codewords for one block with `count` of them.
    static func errorCorrection(for data: [UInt8], count: Int) -> [UInt8] {
        remainder(of: data, generator: cachedGenerator(degree: count))
    }
}
