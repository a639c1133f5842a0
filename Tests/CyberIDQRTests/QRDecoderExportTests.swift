import Foundation
import Testing

@testable import CyberIDQR

/// `CYBERID_QR_OUT`: a directory to receive PGM images and their payloads for an independent
/// decoder (`python3 Tests/qr/check_qr.py "$CYBERID_QR_OUT"`, which runs zbarimg).
private let qrOutputDirectory: String? = {
    guard let directory = ProcessInfo.processInfo.environment["CYBERID_QR_OUT"], !directory.isEmpty else {
        return nil
    }
    return directory
}()

/// Writes one image per sample for zbar: every version at level M, versions 1–20 at the other
/// levels (each filled to capacity), every mask, login links, UTF-8 text and binary data.
@Suite struct QRDecoderExportTests {
    struct Sample {
        let payload: [UInt8]
        let errorCorrection: QRCode.ErrorCorrection
        /// Forced version and mask, or `nil` for the encoder's choice.
        let version: Int?
        let mask: Int?
    }

    static let loginLink = Array("cyberid://login?tx=Q2hhbGxlbmdlLTAxMjM0NQ&s=https%3A%2F%2Fid.example.cn".utf8)

    static func samples() -> [Sample] {
        var samples: [Sample] = []
        for level in QRCode.ErrorCorrection.allCases {
            samples.append(Sample(payload: loginLink, errorCorrection: level, version: nil, mask: nil))
        }
        for mask in 0..<8 {
            samples.append(Sample(payload: loginLink, errorCorrection: .medium, version: 5, mask: mask))
        }
        samples.append(Sample(payload: [], errorCorrection: .medium, version: nil, mask: nil))
        let utf8 = Array("网号 CyberID 登录 ✓".utf8)
        samples.append(Sample(payload: utf8, errorCorrection: .medium, version: nil, mask: nil))
        var state: UInt64 = 18_004
        for level in QRCode.ErrorCorrection.allCases {
            var binary: [UInt8] = []
            for _ in 0..<(100 + 50 * level.tableIndex) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                binary.append(UInt8(truncatingIfNeeded: state >> 56))
            }
            samples.append(Sample(payload: binary, errorCorrection: level, version: nil, mask: nil))
        }
        for level in QRCode.ErrorCorrection.allCases {
            for version in 1...(level == .medium ? 40 : 20) {
                let capacity = QRCode.byteCapacity(version: version, errorCorrection: level)
                let payload = QRTestSupport.text(count: capacity, seed: UInt64(version))
                samples.append(Sample(payload: payload, errorCorrection: level, version: nil, mask: nil))
            }
        }
        return samples
    }

    /// `value` in decimal with leading zeros, so file names sort in sample order.
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    @Test(.enabled(if: qrOutputDirectory != nil, "set CYBERID_QR_OUT to write images for Tests/qr/check_qr.py"))
    func writeImagesForZbar() throws {
        let directory = try #require(qrOutputDirectory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let levelLetters: [QRCode.ErrorCorrection: String] = [.low: "L", .medium: "M", .quartile: "Q", .high: "H"]
        for (index, sample) in Self.samples().enumerated() {
            let code: QRCode
            if let version = sample.version {
                code = try QRCode(
                    bytes: sample.payload,
                    errorCorrection: sample.errorCorrection,
                    version: version,
                    mask: sample.mask
                )
            } else {
                code = try QRCode(bytes: sample.payload, errorCorrection: sample.errorCorrection)
            }
            let level = levelLetters[sample.errorCorrection] ?? "?"
            let stem = "\(Self.padded(index, width: 3))-v\(Self.padded(code.version, width: 2))-\(level)-m\(code.mask)"
            let base = URL(fileURLWithPath: directory).appendingPathComponent(stem)
            try Data(code.pgm()).write(to: base.appendingPathExtension("pgm"))
            try Data(sample.payload).write(to: base.appendingPathExtension("txt"))
        }
    }
}
