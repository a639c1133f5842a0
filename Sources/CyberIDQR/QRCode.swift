/// A QR code symbol (ISO/IEC 18004:2015, model 2) carrying bytes in 8-bit byte mode.
///
/// CyberID shows QR codes for wallet links such as
/// `cyberid://login?tx=…&s=https%3A%2F%2Fid.example.cn`, rendered on the server as inline SVG so
/// the login page needs no script or external asset. The encoder is pure Swift, with no
/// Foundation, so it fits every target.
///
/// The initialisers pick the smallest version (1–40) that holds the data at the requested
/// error-correction level and the data mask with the lowest penalty. Text is encoded as its UTF-8
/// bytes without an ECI header; readers take byte-mode data as UTF-8 in practice, and CyberID's
/// URIs are ASCII anyway.
///
/// ```swift
/// let code = try QRCode(text: "cyberid://login?tx=…", errorCorrection: .medium)
/// let html = code.svg(title: "Scan with the CyberID wallet")
/// ```
public struct QRCode: Sendable, Equatable {
    /// The error-correction level: the share of codewords that can be restored.
    public enum ErrorCorrection: Sendable, Hashable, CaseIterable {
        /// About 7 % of codewords recoverable (L).
        case low
        /// About 15 % (M): the usual choice for screens.
        case medium
        /// About 25 % (Q).
        case quartile
        /// About 30 % (H): for print that may be damaged.
        case high

        /// Position in the tables, which list L, M, Q, H in that order.
        var tableIndex: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .quartile: 2
            case .high: 3
            }
        }

        /// The two-bit indicator in the format information (Table 12): L 01, M 00, Q 11, H 10.
        var formatBits: Int {
            switch self {
            case .low: 0b01
            case .medium: 0b00
            case .quartile: 0b11
            case .high: 0b10
            }
        }
    }

    /// The version, 1–40; each step adds four modules per side.
    public let version: Int
    /// Modules per side, without the quiet zone: `4 × version + 17`.
    public let size: Int
    /// The error-correction level the symbol was built with.
    public let errorCorrection: ErrorCorrection
    /// The data mask pattern applied, 0–7.
    public let mask: Int
    /// Row-major module colours; `true` is dark (the renderings read it directly).
    let modules: [Bool]

    /// Encodes bytes in the smallest version that holds them.
    /// - Parameters:
    ///   - bytes: the payload.
    ///   - errorCorrection: the level; `.medium` by default.
    /// - Throws: ``QRCodeError/dataTooLong`` when even version 40 cannot hold the bytes.
    public init(bytes: [UInt8], errorCorrection: ErrorCorrection = .medium) throws(QRCodeError) {
        guard let version = Self.minimumVersion(byteCount: bytes.count, errorCorrection: errorCorrection) else {
            throw .dataTooLong(
                "\(bytes.count) bytes exceed the \(Self.byteCapacity(version: 40, errorCorrection: errorCorrection)) "
                    + "a version 40 QR code holds at this error-correction level"
            )
        }
        try self.init(bytes: bytes, errorCorrection: errorCorrection, version: version, mask: nil)
    }

    /// Encodes the UTF-8 bytes of `text` in the smallest version that holds them.
    /// - Parameters:
    ///   - text: the payload, typically a URI.
    ///   - errorCorrection: the level; `.medium` by default.
    /// - Throws: ``QRCodeError/dataTooLong`` when even version 40 cannot hold the text.
    public init(text: String, errorCorrection: ErrorCorrection = .medium) throws(QRCodeError) {
        try self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection)
    }

    /// Encodes bytes in a given version, with a given mask or (when `mask` is `nil`) the best one.
    /// Tests use it to reproduce reference symbols exactly.
    /// - Throws: ``QRCodeError/dataTooLong`` when the bytes do not fit the version.
    init(bytes: [UInt8], errorCorrection: ErrorCorrection, version: Int, mask: Int?) throws(QRCodeError) {
        precondition((1...40).contains(version), "QR code versions run from 1 to 40")
        if let mask {
            precondition((0..<8).contains(mask), "QR code masks run from 0 to 7")
        }
        let capacity = Self.byteCapacity(version: version, errorCorrection: errorCorrection)
        guard bytes.count <= capacity else {
            throw .dataTooLong("\(bytes.count) bytes exceed the \(capacity) a version \(version) QR code holds")
        }
        var matrix = QRMatrix(version: version)
        matrix.placeCodewords(QRCodewords.message(for: bytes, version: version, errorCorrection: errorCorrection))
        let chosenMask = mask ?? Self.bestMask(for: matrix)
        matrix.applyMask(chosenMask)
        matrix.drawFormatInformation(errorCorrection: errorCorrection, mask: chosenMask)
        matrix.drawVersionInformation()
        self.version = version
        self.size = matrix.size
        self.errorCorrection = errorCorrection
        self.mask = chosenMask
        self.modules = matrix.modules
    }

    /// Whether the module at column `x`, row `y` (from the top-left corner, 0-based) is dark.
    /// Coordinates outside the symbol read as light, as the quiet zone around it is.
    public subscript(x x: Int, y y: Int) -> Bool {
        guard x >= 0, x < size, y >= 0, y < size else { return false }
        return modules[y * size + x]
    }

    /// The number of bytes a version holds at a level in byte mode: the data codewords less the
    /// 4-bit mode indicator and the 8- or 16-bit character count.
    /// - Parameters:
    ///   - version: 1–40.
    ///   - errorCorrection: the level.
    public static func byteCapacity(version: Int, errorCorrection: ErrorCorrection) -> Int {
        let dataBits = QRTables.blockStructure(version: version, errorCorrection: errorCorrection).dataCodewords * 8
        return (dataBits - 4 - QRTables.characterCountBits(version: version)) / 8
    }

    /// The smallest version that holds `byteCount` bytes at a level, or `nil` if none does.
    public static func minimumVersion(byteCount: Int, errorCorrection: ErrorCorrection) -> Int? {
        for version in 1...40 where byteCount <= byteCapacity(version: version, errorCorrection: errorCorrection) {
            return version
        }
        return nil
    }

    /// The mask with the lowest penalty for an unmasked grid; the lowest-numbered wins a tie.
    static func bestMask(for matrix: QRMatrix) -> Int {
        guard matrix.size <= 64 else { return bestMaskByTrial(for: matrix) }
        return QRMask.bestMask(
            unmasked: matrix.modules, isFunction: matrix.isFunction, version: matrix.version, size: matrix.size)
    }

    /// The same choice made the plain way — each mask applied to a copy and scored — for symbols
    /// wider than 64 modules and as the tests' reference.
    static func bestMaskByTrial(for matrix: QRMatrix) -> Int {
        var best = 0
        var bestScore = Int.max
        for candidate in 0..<8 {
            var trial = matrix
            trial.applyMask(candidate)
            let score = QRMask.penalty(of: trial.modules, size: trial.size)
            if score < bestScore {
                best = candidate
                bestScore = score
            }
        }
        return best
    }
}
