import Foundation
import Testing

@testable import CyberIDQR

/// Symbols compared module for module with python-qrcode and segno (see Tests/qr/make_fixtures.py).
@Suite struct QRCodeFixtureTests {
    @Test(arguments: QRFixtures.all)
    func codewordsMatchReference(_ fixture: QRFixture) {
        let codewords = QRCodewords.message(
            for: QRTestSupport.bytes(hex: fixture.payloadHex),
            version: fixture.version,
            errorCorrection: fixture.errorCorrection
        )
        #expect(codewords == QRTestSupport.bytes(hex: fixture.codewordsHex))
    }

    @Test(arguments: QRFixtures.all)
    func symbolMatchesReference(_ fixture: QRFixture) throws {
        let payload = QRTestSupport.bytes(hex: fixture.payloadHex)
        let code: QRCode
        if fixture.automatic {
            code = try QRCode(bytes: payload, errorCorrection: fixture.errorCorrection)
        } else {
            code = try QRCode(
                bytes: payload,
                errorCorrection: fixture.errorCorrection,
                version: fixture.version,
                mask: fixture.mask
            )
        }
        #expect(code.version == fixture.version)
        #expect(code.mask == fixture.mask)
        #expect(code.errorCorrection == fixture.errorCorrection)
        #expect(code.size == fixture.version * 4 + 17)
        let expected = fixture.rows.split(separator: "\n").map(String.init)
        let actual = QRTestSupport.rows(of: code)
        #expect(actual.count == expected.count)
        // Report the first differing row rather than two walls of digits.
        for row in 0..<min(actual.count, expected.count) where actual[row] != expected[row] {
            Issue.record("row \(row) differs:\n   got \(actual[row])\n  want \(expected[row])")
            break
        }
    }
}

@Suite struct QRCodeTests {
    static let loginLink = "cyberid://login?tx=Q2hhbGxlbmdlLTAxMjM0NQ&s=https%3A%2F%2Fid.example.cn"

    @Test func textIsEncodedAsUTF8Bytes() throws {
        let fromText = try QRCode(text: "网号 ✓", errorCorrection: .quartile)
        let fromBytes = try QRCode(bytes: Array("网号 ✓".utf8), errorCorrection: .quartile)
        #expect(fromText == fromBytes)
    }

    @Test func defaultLevelIsMedium() throws {
        let code = try QRCode(text: Self.loginLink)
        #expect(code.errorCorrection == .medium)
        #expect(code.version == 5)
    }

    @Test func versionOneMediumHoldsFourteenBytes() throws {
        #expect(try QRCode(bytes: [UInt8](repeating: 0x61, count: 14)).version == 1)
        #expect(try QRCode(bytes: [UInt8](repeating: 0x61, count: 15)).version == 2)
        #expect(try QRCode(bytes: []).version == 1)
    }

    @Test func characterCountGrowsToSixteenBitsAtVersionTen() throws {
        #expect(try QRCode(bytes: [UInt8](repeating: 0x61, count: 180)).version == 9)
        #expect(try QRCode(bytes: [UInt8](repeating: 0x61, count: 181)).version == 10)
    }

    @Test func dataTooLongForVersion40Throws() throws {
        #expect(throws: QRCodeError.dataTooLong) {
            try QRCode(bytes: [UInt8](repeating: 0x61, count: 1274), errorCorrection: .high)
        }
        #expect(throws: QRCodeError.dataTooLong) {
            try QRCode(text: String(repeating: "a", count: 2954), errorCorrection: .low)
        }
        let largest = try QRCode(bytes: [UInt8](repeating: 0x61, count: 1273), errorCorrection: .high)
        #expect(largest.version == 40 && largest.size == 177)
    }

    @Test func dataTooLongForAForcedVersionThrows() {
        #expect(throws: QRCodeError.dataTooLong) {
            try QRCode(bytes: [UInt8](repeating: 0x61, count: 15), errorCorrection: .medium, version: 1, mask: nil)
        }
    }

    @Test func errorEqualityComparesTheCodeOnly() {
        let error = QRCodeError.dataTooLong("1274 bytes exceed 1273")
        #expect(error == .dataTooLong)
        #expect(error.description == "data_too_long: 1274 bytes exceed 1273")
    }

    @Test func outsideTheSymbolIsLight() throws {
        let code = try QRCode(text: "CyberID")
        #expect(code[x: 0, y: 0])  // finder pattern corner
        #expect(!code[x: -1, y: 0])
        #expect(!code[x: 0, y: code.size])
        #expect(!code[x: code.size, y: code.size])
    }

    @Test func functionPatternsAreInPlace() throws {
        let code = try QRCode(text: Self.loginLink)
        let last = code.size - 1
        for index in 0..<7 {
            // Outer rings of the three finder patterns.
            #expect(code[x: index, y: 0] && code[x: last - index, y: 0] && code[x: index, y: last])
        }
        // Separators, timing pattern and the dark module.
        #expect(!code[x: 7, y: 0] && !code[x: last - 7, y: 0] && !code[x: 0, y: last - 7])
        for index in 8...(last - 8) {
            #expect(code[x: index, y: 6] == (index % 2 == 0))
            #expect(code[x: 6, y: index] == (index % 2 == 0))
        }
        #expect(code[x: 8, y: code.size - 8])
    }

    @Test func formatInformationIsWrittenTwice() throws {
        for level in QRCode.ErrorCorrection.allCases {
            let code = try QRCode(text: Self.loginLink, errorCorrection: level)
            let bits = QRMatrix.formatBits(errorCorrection: level, mask: code.mask)
            let last = code.size - 1
            for index in 0..<15 {
                let bit = (bits >> index) & 1 == 1
                // Second copy: bits 0–7 along row 8 from the right, 8–14 down column 8 at the bottom.
                if index < 8 {
                    #expect(code[x: last - index, y: 8] == bit)
                } else {
                    #expect(code[x: 8, y: code.size - 15 + index] == bit)
                }
            }
        }
    }

    @Test(arguments: 0..<8)
    func everyForcedMaskIsKept(mask: Int) throws {
        let code = try QRCode(bytes: Array(Self.loginLink.utf8), errorCorrection: .medium, version: 5, mask: mask)
        #expect(code.mask == mask)
    }

    @Test func automaticMaskHasTheLowestPenalty() throws {
        let payload = Array(Self.loginLink.utf8)
        let chosen = try QRCode(bytes: payload, errorCorrection: .medium)
        var penalties: [Int] = []
        for mask in 0..<8 {
            var matrix = QRMatrix(version: chosen.version)
            matrix.placeCodewords(QRCodewords.message(for: payload, version: chosen.version, errorCorrection: .medium))
            matrix.applyMask(mask)
            penalties.append(QRMask.penalty(of: matrix.modules, size: matrix.size))
        }
        #expect(penalties[chosen.mask] == penalties.min())
        #expect(penalties.firstIndex(of: penalties.min() ?? 0) == chosen.mask)
    }
}

@Suite struct QRRenderingTests {
    @Test func svgIsSelfContainedAndAccessible() throws {
        let code = try QRCode(text: "CyberID")
        let svg = code.svg(moduleSize: 5, quietZone: 4, title: "Sign in <with> \"CyberID\" & 'wallet'")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"145\" height=\"145\""))
        #expect(QRTestSupport.occurrences(of: "viewBox=\"0 0 29 29\"", in: svg) == 1)
        #expect(QRTestSupport.occurrences(of: "shape-rendering=\"crispEdges\"", in: svg) == 1)
        #expect(QRTestSupport.occurrences(of: "role=\"img\"", in: svg) == 1)
        let title = "<title>Sign in &lt;with&gt; &quot;CyberID&quot; &amp; &apos;wallet&apos;</title>"
        #expect(QRTestSupport.occurrences(of: title, in: svg) == 1)
        #expect(QRTestSupport.occurrences(of: "<rect width=\"29\" height=\"29\" fill=\"#fff\"/>", in: svg) == 1)
        #expect(QRTestSupport.occurrences(of: "<path fill=\"none\" stroke=\"#000\" stroke-width=\"1\" stroke-linecap=\"butt\" d=\"M4 4.5h7m", in: svg) == 1)
        #expect(svg.hasSuffix("</svg>"))
        #expect(QRTestSupport.occurrences(of: "href", in: svg) == 0)
    }

    @Test func svgWithoutTitleHasNoTitleElement() throws {
        let svg = try QRCode(text: "CyberID").svg()
        #expect(QRTestSupport.occurrences(of: "<title>", in: svg) == 0)
        #expect(QRTestSupport.occurrences(of: "width=\"116\"", in: svg) == 1)
    }

    /// The data URL form reads back, percent-decoded, as the SVG with its attributes single-quoted;
    /// it holds no `#` (a fragment), no double quote (nothing for JSON to escape) and no `&`
    /// (nothing for a double-quoted HTML attribute to escape: the login page inlines it as is).
    @Test(arguments: [1, 11, 40])
    func svgDataURLReadsBackAsTheSVG(version: Int) throws {
        let capacity = QRCode.byteCapacity(version: version, errorCorrection: .medium)
        let code = try QRCode(bytes: QRTestSupport.text(count: capacity, seed: 3), errorCorrection: .medium)
        let prefix = "data:image/svg+xml,"
        for title in [nil, "QR code for the CyberID wallet", "50% #1 \"q\" 'a' <b> & 网证", "a\tb\nc\r"] as [String?] {
            let url = code.svgDataURL(moduleSize: 4, quietZone: 4, title: title)
            #expect(url.hasPrefix(prefix))
            let text = String(url.dropFirst(prefix.count))
            #expect(!text.contains("#") && !text.contains("\"") && !text.contains("&") && !text.contains(where: { "\t\n\r".contains($0) }))
            let svg = code.svg(moduleSize: 4, quietZone: 4, title: title)
            #expect(text.removingPercentEncoding == svg.replacingOccurrences(of: "\"", with: "'"))
            // Only attribute quotes were swapped: the SVG holds no single quote of its own.
            #expect(!svg.contains("'"))
        }
    }

    @Test func titleDropsControlCharacters() {
        #expect(QRCode.escapingXML("a\u{0}b\u{1B}c\td") == "abc\td")
    }

    /// Redraws the path's strokes on a grid, as a renderer would, and compares it with the symbol.
    @Test(arguments: [1, 5, 10, 40])
    func svgPathCoversExactlyTheDarkModules(version: Int) throws {
        let capacity = QRCode.byteCapacity(version: version, errorCorrection: .medium)
        let payload = QRTestSupport.text(count: capacity, seed: 7)
        let code = try QRCode(bytes: payload, errorCorrection: .medium)
        #expect(code.version == version)
        let quietZone = 2
        let extent = code.size + 2 * quietZone
        var grid = [Bool](repeating: false, count: extent * extent)
        let path = code.pathData(offset: quietZone)
        // The top-left finder's first row opens the path: seven dark modules.
        #expect(path.hasPrefix("M\(quietZone) \(quietZone).5h7m"))
        // Commands: M x y (absolute), m dx dy (relative), h w (a stroke to the right).
        var pen = (x: 0.0, y: 0.0)
        var runs = 0
        for command in QRTestSupport.pathCommands(path) {
            switch (command.letter, command.numbers.count) {
            case ("M", 2): pen = (command.numbers[0], command.numbers[1])
            case ("m", 2): pen = (pen.x + command.numbers[0], pen.y + command.numbers[1])
            case ("h", 1):
                guard pen.x.isFinite, pen.y.isFinite, command.numbers[0].isFinite else {
                    Issue.record("a number that does not read: \(command)")
                    return
                }
                let (x, width) = (Int(pen.x), Int(command.numbers[0]))
                // A stroke one module wide on a row's centre line covers exactly that row.
                #expect(Double(x) == pen.x && width > 0 && pen.y - pen.y.rounded(.down) == 0.5)
                let y = Int(pen.y.rounded(.down))
                for column in x..<(x + width) {
                    #expect(!grid[y * extent + column], "modules drawn twice")
                    grid[y * extent + column] = true
                }
                pen.x += command.numbers[0]
                runs += 1
            default:
                Issue.record("unexpected path command \(command)")
                return
            }
        }
        #expect(runs > 0)
        for y in 0..<extent {
            for x in 0..<extent where grid[y * extent + x] != code[x: x - quietZone, y: y - quietZone] {
                Issue.record("module (\(x - quietZone), \(y - quietZone)) differs")
                return
            }
        }
    }

    @Test func pgmIsBinaryGreyscale() throws {
        let code = try QRCode(text: "CyberID")
        let image = code.pgm(moduleSize: 3, quietZone: 4)
        let header = Array("P5\n87 87\n255\n".utf8)
        #expect(Array(image.prefix(header.count)) == header)
        #expect(image.count == header.count + 87 * 87)
        func pixel(_ x: Int, _ y: Int) -> UInt8 { image[header.count + y * 87 + x] }
        #expect(pixel(0, 0) == 255)  // quiet zone
        #expect(pixel(12, 12) == 0)  // top-left finder corner, module (0, 0)
        #expect(pixel(14, 14) == 0)
        #expect(pixel(15, 15) == 255)  // module (1, 1): inside the finder's light ring
        for y in 0..<code.size {
            for x in 0..<code.size where (pixel(12 + 3 * x + 1, 12 + 3 * y + 2) == 0) != code[x: x, y: y] {
                Issue.record("pixel for module (\(x), \(y)) differs")
                return
            }
        }
    }
}
