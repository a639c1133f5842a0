/// Renderings of a ``QRCode``: SVG for web pages and binary PGM for decoders in tests.
extension QRCode {
    /// The symbol as a self-contained SVG document, ready to inline in HTML.
    ///
    /// The drawing is in module units (`viewBox`), scaled by `moduleSize` through `width` and
    /// `height`, so it stays sharp at any zoom. A white background covers the quiet zone, so the
    /// code scans on dark page themes too, and all dark modules form one `<path>` of horizontal
    /// strokes one module wide (``pathData(offset:)``), with `shape-rendering="crispEdges"` so
    /// adjacent rows do not show hairline seams.
    /// `role="img"` and the `<title>` give screen readers a name for the image.
    /// - Parameters:
    ///   - moduleSize: CSS pixels per module (at least 1); 4 by default.
    ///   - quietZone: light modules around the symbol; the standard asks for 4.
    ///   - title: an accessible name, e.g. "QR code for signing in with the CyberID wallet". It is
    ///     XML-escaped here.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String? = nil) -> String {
        svg(moduleSize: moduleSize, quietZone: quietZone, title: title, asDataURL: false)
    }

    /// The same SVG as a `data:image/svg+xml,` URL, written so from the start: its attributes
    /// single-quoted (a JSON string holding it has nothing to escape), `#` and `%` percent-encoded
    /// (`#` would start the URL's fragment). A URL reader percent-decodes it to the document
    /// ``svg(moduleSize:quietZone:title:)`` makes but for the quotes; ≈ 6 KB for a login's
    /// symbol, where base64 makes 8.
    public func svgDataURL(moduleSize: Int = 4, quietZone: Int = 4, title: String? = nil) -> String {
        svg(moduleSize: moduleSize, quietZone: quietZone, title: title, asDataURL: true)
    }

    private func svg(moduleSize: Int, quietZone: Int, title: String?, asDataURL: Bool) -> String {
        precondition(moduleSize >= 1, "a module is at least one pixel")
        precondition(quietZone >= 0, "the quiet zone cannot be negative")
        let extent = size + 2 * quietZone
        let pixels = extent * moduleSize
        let (q, hash) = asDataURL ? ("'", "%23") : ("\"", "#")
        var svg = asDataURL ? "data:image/svg+xml," : ""
        svg += "<svg xmlns=\(q)http://www.w3.org/2000/svg\(q) width=\(q)\(pixels)\(q) height=\(q)\(pixels)\(q)"
        svg += " viewBox=\(q)0 0 \(extent) \(extent)\(q) shape-rendering=\(q)crispEdges\(q) role=\(q)img\(q)>"
        if let title {
            let escaped = Self.escapingXML(title)
            svg += "<title>\(asDataURL ? Self.escapingURL(escaped) : escaped)</title>"
        }
        svg += "<rect width=\(q)\(extent)\(q) height=\(q)\(extent)\(q) fill=\(q)\(hash)fff\(q)/>"
        // The stroke's width and caps are written out: both are inherited properties, which a
        // page's stylesheet could otherwise change for an SVG inlined in its HTML.
        svg += "<path fill=\(q)none\(q) stroke=\(q)\(hash)000\(q) stroke-width=\(q)1\(q) stroke-linecap=\(q)butt\(q) d=\(q)"
        svg += pathData(offset: quietZone)
        svg += "\(q)/></svg>"
        return svg
    }

    /// An escaped title's text in a data URL: `%` and `#` percent-encoded, and the tab and line
    /// breaks ``escapingXML(_:)`` keeps (a URL parser drops them from its input).
    static func escapingURL(_ text: String) -> String {
        func encoded(_ byte: UInt8) -> StaticString? {
            switch byte {
            case UInt8(ascii: "%"): "%25"
            case UInt8(ascii: "#"): "%23"
            // An HTML attribute would read `&amp;` back as `&`: none is left for it to read.
            case UInt8(ascii: "&"): "%26"
            case UInt8(ascii: "\t"): "%09"
            case UInt8(ascii: "\n"): "%0A"
            case UInt8(ascii: "\r"): "%0D"
            default: nil
            }
        }
        guard text.utf8.contains(where: { encoded($0) != nil }) else { return text }
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if let replacement = encoded(byte) {
                replacement.withUTF8Buffer { out.append(contentsOf: $0) }
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The symbol as a binary greyscale PGM (Netpbm P5) image: dark modules 0, light 255, each
    /// module `moduleSize` pixels square, with `quietZone` light modules around. Test tooling feeds
    /// it to `zbarimg`, which reads PGM without any image library.
    public func pgm(moduleSize: Int = 4, quietZone: Int = 4) -> [UInt8] {
        precondition(moduleSize >= 1, "a module is at least one pixel")
        precondition(quietZone >= 0, "the quiet zone cannot be negative")
        let pixels = (size + 2 * quietZone) * moduleSize
        var image = Array("P5\n\(pixels) \(pixels)\n255\n".utf8)
        image.reserveCapacity(image.count + pixels * pixels)
        for row in 0..<pixels {
            let y = row / moduleSize - quietZone
            for column in 0..<pixels {
                let x = column / moduleSize - quietZone
                image.append(self[x: x, y: y] ? 0 : 255)
            }
        }
        return image
    }

    /// The symbol as text for a terminal, two module rows per line with Unicode half blocks, as
    /// `qrencode -t UTF8` draws it: *light* modules are drawn (a terminal's background is usually
    /// dark), so the code reads dark-on-light on screen.
    /// - Parameter quietZone: light modules around the symbol (2 suffice on a screen).
    public func terminal(quietZone: Int = 2) -> String {
        precondition(quietZone >= 0, "the quiet zone cannot be negative")
        let extent = size + 2 * quietZone
        var lines = [String]()
        for pair in stride(from: 0, to: extent, by: 2) {
            var line = ""
            for column in 0..<extent {
                let x = column - quietZone
                let top = !self[x: x, y: pair - quietZone]
                let bottom = pair + 1 < extent ? !self[x: x, y: pair + 1 - quietZone] : false
                line += top ? (bottom ? "\u{2588}" : "\u{2580}") : (bottom ? "\u{2584}" : " ")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// SVG path data drawing the dark modules as horizontal strokes one module wide (the default
    /// `stroke-width` of 1), one per run of dark modules, each on its row's centre line: `M x y.5
    /// h w` for a row's first run, `m gap 0 h w` for the next ones in the row — about half the
    /// bytes of a filled rectangle per run (`M x y h w v 1 h −w z`, before 2026-12-06), on every
    /// login page and every QR image a page fetches. Shifted by `offset` modules for the quiet
    /// zone.
    func pathData(offset: Int) -> String {
        // Built as bytes: interpolating thousands of small strings is most of the cost of a page.
        // The number writer is a static function on an `inout` buffer, not a nested function
        // capturing `path`: a captured `var` lives in a heap box whose every access was checked
        // for exclusivity at run time.
        var path = [UInt8]()
        path.reserveCapacity(size * size * 2)
        modules.withUnsafeBufferPointer { grid in
            for y in 0..<size {
                let row = y * size
                var x = 0
                var pen = -1  // where the last run of this row ended; -1 before the first
                while x < size {
                    guard grid[row + x] else {
                        x += 1
                        continue
                    }
                    var end = x + 1
                    while end < size && grid[row + end] {
                        end += 1
                    }
                    if pen < 0 {
                        path.append(UInt8(ascii: "M"))
                        Self.appendDecimal(x + offset, to: &path)
                        path.append(UInt8(ascii: " "))
                        Self.appendDecimal(y + offset, to: &path)
                        path.append(contentsOf: ".5".utf8)
                    } else {
                        path.append(UInt8(ascii: "m"))
                        Self.appendDecimal(x - pen, to: &path)
                        path.append(contentsOf: " 0".utf8)
                    }
                    path.append(UInt8(ascii: "h"))
                    Self.appendDecimal(end - x, to: &path)
                    pen = end
                    x = end
                }
            }
        }
        return String(decoding: path, as: UTF8.self)
    }

    /// Appends `number` (0...999, a module coordinate) in decimal.
    static func appendDecimal(_ number: Int, to path: inout [UInt8]) {
        if number >= 100 { path.append(UInt8(ascii: "0") + UInt8(number / 100)) }
        if number >= 10 { path.append(UInt8(ascii: "0") + UInt8(number / 10 % 10)) }
        path.append(UInt8(ascii: "0") + UInt8(number % 10))
    }

    /// `text` with the five XML special characters escaped and the control characters XML 1.0
    /// forbids removed, so any title is safe inside the `<title>` element.
    static func escapingXML(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
