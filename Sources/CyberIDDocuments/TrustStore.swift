public import CyberIDCore
public import Foundation
import SwiftASN1
public import X509

/// The Country Signing CAs the service trusts, and the CRLs they issued.
///
/// Nothing is trusted by default; operators add CSCAs from the ICAO PKD or bilateral exchange
/// (`cyberid admin trust add-csca`), and `cyberid dev document --trust` adds a development CSCA.
public struct TrustStore: Sendable {
    /// The trusted CSCA certificates.
    public private(set) var cscas: [Certificate]
    /// The CRLs, each used only if signed by the CSCA that issued it.
    public private(set) var crls: [CertificateRevocationList]

    /// Creates a trust store.
    public init(cscas: [Certificate] = [], crls: [CertificateRevocationList] = []) {
        self.cscas = cscas
        self.crls = crls
    }

    /// Adds a CSCA.
    public mutating func add(csca: Certificate) { cscas.append(csca) }

    /// Adds a CRL.
    public mutating func add(crl: CertificateRevocationList) { crls.append(crl) }

    /// Parses one or more certificates from PEM, or one from DER.
    /// - Throws: ``DocumentError/unparseable`` when nothing parses.
    public static func certificates(from bytes: [UInt8]) throws(DocumentError) -> [Certificate] {
        if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN CERTIFICATE-----") {
            guard let documents = try? PEMDocument.parseMultiple(pemString: text) else {
                throw .unparseable("the PEM file is malformed")
            }
            let certificates = documents.compactMap { try? Certificate(pemDocument: $0) }
            guard !certificates.isEmpty, certificates.count == documents.count else {
                throw .unparseable("the PEM file holds something other than certificates")
            }
            return certificates
        }
        guard let certificate = try? Certificate(derEncoded: bytes) else {
            throw .unparseable("the file is neither a PEM nor a DER certificate")
        }
        return [certificate]
    }

    /// Finds the CSCA that signed `dsc` and checks both are valid on `date`.
    /// - Throws: ``DocumentError/untrustedCSCA`` when no trusted CSCA signed it,
    ///   ``DocumentError/dscExpired`` when the DSC or its CSCA is outside its validity period.
    func issuer(of dsc: Certificate, der: [UInt8], on date: Date) throws(DocumentError) -> Certificate {
        let (tbs, algorithm, signature) = try Self.signedParts(of: der)
        let candidates = cscas.filter { $0.subject == dsc.issuer }
        for csca in candidates {
            guard let key = try? PublicKey(spki: ArraySlice(csca.publicKeySPKIBytes)) else { continue }
            guard (try? SignatureVerifier.isValid(signature: signature, over: tbs, algorithm: algorithm, key: key)) == true
            else { continue }
            guard csca.notValidBefore <= date, date <= csca.notValidAfter else {
                throw .dscExpired("the CSCA that issued the Document Signer certificate is not valid on this date")
            }
            guard dsc.notValidBefore <= date, date <= dsc.notValidAfter else {
                throw .dscExpired("the Document Signer certificate is not valid on this date")
            }
            return csca
        }
        throw .untrustedCSCA("the Document Signer certificate was not issued by a trusted CSCA")
    }

    /// What the CRLs of `csca` say about `dsc` on `date`: the lists of its name signed by any
    /// trusted CSCA of that name — after a key rollover a state signs its CRL with the new key, and
    /// that list covers the Document Signers issued under the old one (ICAO 9303-12; a review
    /// found a revoked old-key signer accepted, its state's only list signed by the new key).
    func revocationStatus(of dsc: Certificate, issuedBy csca: Certificate, on date: Date) -> RevocationStatus {
        let keys = cscas.filter { $0.subject == csca.subject }
        let lists = crls.filter { list in list.issuer == csca.subject && keys.contains { list.isSigned(by: $0) } }
        if lists.contains(where: { $0.isRevoked(dsc) }) { return .revoked }
        guard !lists.isEmpty else { return .noList }
        // Current when at least one list's next update is still ahead (or not stated).
        return lists.contains { $0.nextUpdate.map { $0 >= date } ?? true } ? .good : .stale
    }
}

/// What a CSCA's revocation lists say about a Document Signer certificate.
public enum RevocationStatus: Sendable, Equatable {
    /// A current list does not list it.
    case good
    /// A list signed by the CSCA lists it.
    case revoked
    /// The CSCA's lists are all past their `nextUpdate`: its status is unknown.
    case stale
    /// The service holds no list of this CSCA.
    case noList
}

/// What to do with a document whose CSCA's revocation list is past its `nextUpdate`.
public enum StaleRevocationPolicy: String, Sendable, CaseIterable {
    /// Refuse the document: its signer's status is unavailable (the default).
    case refuse
    /// Accept it, marked in ``VerifiedDocument/warnings``.
    case warn
}

extension TrustStore {

    /// Splits a DER certificate into the signed TBS bytes, the algorithm and the signature.
    static func signedParts(of der: [UInt8]) throws(DocumentError) -> ([UInt8], AlgorithmIdentifier, [UInt8]) {
        do {
            return try DER.sequence(try DER.parse(der), identifier: .sequence) { nodes in
                guard let tbs = nodes.next() else { throw DocumentError.unparseable("empty certificate") }
                let algorithm = try AlgorithmIdentifier(derEncoded: nodes.next() ?? tbs)
                let signature = try ASN1BitString(derEncoded: &nodes)
                return (Array(tbs.encodedBytes), algorithm, Array(signature.bytes))
            }
        } catch let error as DocumentError {
            throw error
        } catch {
            throw .unparseable("the Document Signer certificate is malformed")
        }
    }
}
