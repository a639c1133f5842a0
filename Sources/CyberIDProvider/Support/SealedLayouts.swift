import CyberIDBase64URL
import CyberIDBytes
import CyberIDCore
import Foundation

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

extension BinarySealable {
    /// The plaintext of form 4: the layout's number, then the fields.
    var layoutBytes: [UInt8] {
        var writer = ByteWriter()
        writer.byte(Self.layout)
        write(to: &writer)
        return writer.bytes
    }

    /// Reads ``layoutBytes``: the number must be this layout's and every byte read, or `nil`.
    init?(layoutBytes: [UInt8]) {
        var reader = ByteReader(layoutBytes)
        guard (try? reader.byte()) == Self.layout, let value = try? Self(from: &reader), reader.isAtEnd else { return nil }
        self = value
    }
}

/// A decision row whose grant cannot be read (a damaged row, or one written by a later release
/// in a layout this one does not know): a server fault, answered 500 and logged, never blamed
/// on the browser.
struct UnreadableGrant: Error, CustomStringConvertible {
    var description: String { "the login decision's grant could not be read" }
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

extension LoginGrant: BinarySealable {
    static let layout: UInt8 = 1

    /// `subject? ‖ level? ‖ auth time? ‖ released ‖ error? ‖ description? ‖ certificate? ‖
    /// response code hash? ‖ reason? ‖ mode? ‖ amr?`.
    func write(to writer: inout ByteWriter) {
        writer.optionalString(subject)
        writer.optional(level) { $0.raw($1) }
        writer.optional(authTime) { $0.double($1) }
        writer.strings(released)
        writer.optionalString(error)
        writer.optionalString(errorDescription)
        writer.optionalString(certificate)
        writer.optionalString(responseCodeHash)
        writer.optionalString(reason)
        writer.optional(mode) { $0.raw($1) }
        writer.optional(amr) { $0.strings($1) }
    }

    init(from reader: inout ByteReader) throws(ByteReader.Malformed) {
        subject = try reader.optionalString()
        level = try reader.optionalRaw()
        authTime = try reader.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.double() }
        released = try reader.strings()
        error = try reader.optionalString()
        errorDescription = try reader.optionalString()
        certificate = try reader.optionalString()
        responseCodeHash = try reader.optionalString()
        reason = try reader.optionalString()
        mode = try reader.optionalRaw()
        amr = try reader.optional { (reader: inout ByteReader) throws(ByteReader.Malformed) in try reader.strings() }
    }

    /// The decision row's `payload` text: with form 4, `~` and the base64url of the layout (its
    /// number first); before it, JSON — what nodes of an earlier release read, as long as
    /// `CYBERID_SEALING_FORM` keeps them in the older form (operations.md, "Rolling upgrades").
    /// The row lives minutes (the code's and the access token's lifetimes).
    func payload(form: UInt8) throws -> String {
        guard form == 4 else { return String(decoding: try JSONEncoder().encode(self), as: UTF8.self) }
        return "~" + Base64URL.encode(layoutBytes)
    }

    /// Reads a decision row's `payload` of either kind, or `nil`.
    init?(payload: String) {
        guard payload.hasPrefix("~") else {
            guard let grant = try? JSONDecoder().decode(LoginGrant.self, from: Data(payload.utf8)) else { return nil }
            self = grant
            return
        }
        guard let bytes = Base64URL.decode(String(payload.dropFirst())), let grant = LoginGrant(layoutBytes: bytes) else {
            return nil
        }
        self = grant
    }
}
