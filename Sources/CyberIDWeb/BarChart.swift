/// A bar chart drawn on the server as SVG (issue 14: verifications per week; issue 15:
/// statistics): no script, presentation attributes only (a strict CSP blocks `style=`), an
/// accessible name and description, and a `<title>` per bar that screen readers and hover read.
/// Pages show the same numbers in a table beside it.
public struct BarChart: Sendable {
    /// One bar.
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Int
        /// The bar's accessible text, e.g. "Week of 2026-11-23: 4 verifications".
        public var title: String

        public init(label: String, value: Int, title: String) {
            (self.label, self.value, self.title) = (label, max(0, value), title)
        }
    }

    public var bars: [Bar]

    public init(bars: [Bar]) { self.bars = bars }

    /// The chart as an inline `<svg>` element.
    /// - Parameters:
    ///   - title: the accessible name.
    ///   - description: what it shows, in a sentence.
    ///   - id: the prefix of the title's and description's element ids (several charts on one page
    ///     need different ones).
    public func svg(title: String, description: String, width: Int = 480, height: Int = 160, id: String = "chart") -> String {
        let top = 8
        let axis = height - 24
        let slot = bars.isEmpty ? width : width / bars.count
        let highest = max(1, bars.map(\.value).max() ?? 0)
        // Room for a label under every bar only when bars are wide; otherwise every other one
        // (each bar's own <title> still names it).
        let labelEvery = slot >= 56 ? 1 : slot >= 28 ? 2 : (56 + slot - 1) / max(1, slot)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\""
        svg += " height=\"\(height)\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">"
        svg += "<title id=\"\(id)-title\">\(Self.escape(title))</title><desc id=\"\(id)-desc\">\(Self.escape(description))</desc>"
        svg += "<line x1=\"0\" y1=\"\(axis)\" x2=\"\(width)\" y2=\"\(axis)\" stroke=\"#555\" stroke-width=\"1\"/>"
        for (index, bar) in bars.enumerated() {
            let barHeight = (axis - top) * bar.value / highest
            let x = index * slot + slot / 8
            svg += "<g><title>\(Self.escape(bar.title))</title>"
            svg += "<rect x=\"\(x)\" y=\"\(axis - barHeight)\" width=\"\(max(1, slot * 3 / 4))\" height=\"\(barHeight)\" fill=\"#1f5fa8\"/>"
            if (bars.count - 1 - index) % labelEvery == 0 {
                // The last label ends at the right edge and a first one starts at the left (a
                // centred one would be clipped there).
                var (anchor, labelX) = ("middle", x + slot * 3 / 8)
                if bars.count > 1 && index == bars.count - 1 {
                    (anchor, labelX) = ("end", min(width - 1, x + slot * 3 / 4))
                } else if bars.count > 1 && index == 0 {
                    (anchor, labelX) = ("start", x)
                }
                svg += "<text x=\"\(labelX)\" y=\"\(height - 8)\" font-size=\"11\" text-anchor=\"\(anchor)\" fill=\"#222\">"
                svg += "\(Self.escape(bar.label))</text>"
            }
            svg += "</g>"
        }
        return svg + "</svg>"
    }

    /// Text for XML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
