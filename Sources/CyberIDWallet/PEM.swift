import Foundation

/// PEM armour (RFC 7468): base64 DER between `-----BEGIN label-----` and `-----END label-----`.
enum PEM {
    /// One armoured block.
    struct Block: Sendable, Equatable {
        /// The label, e.g. `CERTIFICATE`.
        let label: String
        /// The decoded DER bytes.
        let der: [UInt8]
    }

    /// Armours DER bytes with 64-character lines and a final newline.
    static func encode(_ der: [UInt8], label: String) -> String {
        var lines = ["-----BEGIN \(label)-----"]
        var rest = Substring(Data(der).base64EncodedString())
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every block in `text`, in order, whatever the line layout; text outside blocks is ignored.
    /// - Returns: `nil` when a block is unterminated or its body is not base64.
    static func decode(_ text: String) -> [Block]? {
        var blocks: [Block] = []
        var rest = Substring(text)
        while let begin = rest.range(of: "-----BEGIN ") {
            let afterBegin = rest[begin.upperBound...]
            guard let labelEnd = afterBegin.range(of: "-----") else { return nil }
            let label = String(afterBegin[..<labelEnd.lowerBound])
            let afterLabel = afterBegin[labelEnd.upperBound...]
            guard let end = afterLabel.range(of: "-----END \(label)-----") else { return nil }
            let body = String(afterLabel[..<end.lowerBound].filter { !$0.isWhitespace })
            guard let data = Data(base64Encoded: body) else { return nil }
            blocks.append(Block(label: label, der: Array(data)))
            rest = afterLabel[end.upperBound...]
        }
        return blocks
    }
}
