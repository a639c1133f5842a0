import CyberIDBytes
import CyberIDCore

/// A sealed value with a binary layout (``Sealer``'s form 4) beside its JSON (forms 2 and 3,
/// which nodes of earlier releases seal and read). The layout is the type's fields in a fixed
/// order (`CyberIDBytes`), after one byte, ``layout``, that numbers the layout: a later release
/// that changes the fields writes a new number and still reads the old one.
protocol BinarySealable: Codable {
    /// The layout's number, the plaintext's first byte.
    static var layout: UInt8 { get }
    func write(to writer: inout ByteWriter)
    init(from reader: inout ByteReader) throws(ByteReader.Malformed)
}

extension ByteWriter {
    /// Enumerations by their raw value (the names, not their order, are the format).
    mutating func raw<T: RawRepresentable<String>>(_ value: T) { string(value.rawValue) }

    mutating func raws<T: RawRepresentable<String>>(_ values: [T]) { strings(values.map(\.rawValue)) }
}

extension ByteReader {
    mutating func raw<T: RawRepresentable<String>>(_ type: T.Type = T.self) throws(Malformed) -> T {
        guard let value = T(rawValue: try string()) else { throw Malformed() }
        return value
    }

    mutating func raws<T: RawRepresentable<String>>(_ type: T.Type = T.self) throws(Malformed) -> [T] {
        var values = [T]()
        for text in try strings() {
            guard let value = T(rawValue: text) else { throw Malformed() }
            values.append(value)
        }
        return values
    }

    mutating func optionalRaw<T: RawRepresentable<String>>(_ type: T.Type = T.self) throws(Malformed) -> T? {
        try optional { (reader: inout ByteReader) throws(Malformed) in try reader.raw(T.self) }
    }
}

extension AuthorizationRequest {
    /// `client ‖ redirect ‖ scopes ‖ state? ‖ nonce? ‖ challenge ‖ level? ‖ max age? ‖ prompt ‖
    /// mode? ‖ mode in acr`.
    func write(to writer: inout ByteWriter) {
        writer.string(clientID)
        writer.string(redirectURI)
        writer.raws(scopes)
        writer.optionalString(state)
        writer.optionalString(nonce)
        writer.string(codeChallenge)
        writer.optional(requiredLevel) { $0.raw($1) }
        writer.optional(maxAge) { $0.int($1) }
        writer.strings(prompt)
        writer.optional(mode) { $0.raw($1) }
        writer.bool(modeInACR)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        clientID = try reader.string()
        redirectURI = try reader.string()
        scopes = try reader.raws()
        state = try reader.optionalString()
        nonce = try reader.optionalString()
        codeChallenge = try reader.string()
        requiredLevel = try reader.optionalRaw()
        maxAge = try reader.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.int() }
        prompt = try reader.strings()
        mode = try reader.optionalRaw()
        modeInACR = try reader.bool()
    }
}

extension LoginState: BinarySealable {
    static let layout: UInt8 = 1

    /// `transaction ‖ nonce ‖ request ‖ expiry ‖ browser binding ‖ ticket ‖ start`.
    func write(to writer: inout ByteWriter) {
        writer.string(transactionID)
        writer.string(nonce)
        request.write(to: &writer)
        writer.double(expiresAt)
        writer.string(browserBinding)
        writer.string(ticket)
        writer.uint32(startedAt)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        transactionID = try reader.string()
        nonce = try reader.string()
        request = try AuthorizationRequest(from: &reader)
        expiresAt = try reader.double()
        browserBinding = try reader.string()
        ticket = try reader.string()
        startedAt = try reader.uint32()
    }
}

extension CodeState: BinarySealable {
    static let layout: UInt8 = 1

    /// `transaction ‖ client ‖ redirect ‖ challenge ‖ nonce? ‖ scopes ‖ issued`.
    func write(to writer: inout ByteWriter) {
        writer.string(transactionID)
        writer.string(clientID)
        writer.string(redirectURI)
        writer.string(codeChallenge)
        writer.optionalString(nonce)
        writer.raws(scopes)
        writer.double(issuedAt)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        transactionID = try reader.string()
        clientID = try reader.string()
        redirectURI = try reader.string()
        codeChallenge = try reader.string()
        nonce = try reader.optionalString()
        scopes = try reader.raws()
        issuedAt = try reader.double()
    }
}

extension AccessTokenState: BinarySealable {
    static let layout: UInt8 = 1

    /// `transaction ‖ client ‖ expiry`.
    func write(to writer: inout ByteWriter) {
        writer.string(transactionID)
        writer.string(clientID)
        writer.double(expiresAt)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        transactionID = try reader.string()
        clientID = try reader.string()
        expiresAt = try reader.double()
    }
}

extension ScanProof: BinarySealable {
    static let layout: UInt8 = 1

    /// `transaction ‖ scanned`.
    func write(to writer: inout ByteWriter) {
        writer.string(transactionID)
        writer.double(scannedAt)
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        transactionID = try reader.string()
        scannedAt = try reader.double()
    }
}
