import Foundation

// The answers of a login's hot path as JSON, written member by member (``JSONObjectText``)
// rather than by `JSONEncoder`, whose generic encoding costs tens of microseconds an answer
// (benchmarks.md, "The fifteenth step"). Each is `JSONEncoder`'s output with `.sortedKeys`,
// `.withoutEscapingSlashes` and `.iso8601` — the service's answers before — byte for byte:
// `AnswerJSONTests` compares the two on random values. A field added to one of these types
// must be added here too (the tests' random values then fail until it is).

extension WalletLoginView {
    /// The view as `GET /wallet/v1/login` answers it and the same-device link's `v` carries it —
    /// the same bytes for the same view: a same-device login makes it twice (the page's link,
    /// the decision's check).
    public func json() -> [UInt8] {
        var object = JSONObjectText(capacity: 640)
        // In the keys' order (bytes, as `.sortedKeys` sorts ASCII keys).
        object.string("aa_challenge", aaChallenge)
        object.string("acr_values", acrValues)
        object.strings("claims", claims)
        object.string("client_id", clientID)
        object.string("client_name", clientName)
        object.string("device", device)
        object.date("expires_at", expiresAt)
        object.string("legal_basis", legalBasis)
        object.integers("match_choices", matchChoices)
        object.string("mode", mode)
        object.string("nonce", nonce)
        object.strings("prompt", prompt)
        object.date("requested_at", requestedAt)
        object.string("requested_from", requestedFrom)
        object.strings("requires", requires)
        object.string("scan", scan)
        object.strings("scopes", scopes)
        object.string("transaction_id", transactionID)
        return object.closed()
    }
}


extension LoginProgress {
    /// `GET /authorize/status`'s answer (with the QR image, ≈ 6 KB of text, every few seconds
    /// of a waiting page).
    public func json() -> [UInt8] {
        var object = JSONObjectText(capacity: qrImage == nil ? 256 : 7_000)
        object.string("qr", qr)
        object.string("qr_image", qrImage)
        object.integer("qr_step", qrStep)
        object.string("reason", reason)
        object.bool("same_device", sameDevice)
        object.string("status", status.rawValue)
        return object.closed()
    }
}

extension WalletDecision {
    /// `POST /wallet/v1/login`'s answer.
    public func json() -> [UInt8] {
        var object = JSONObjectText(capacity: 1_600)
        object.strings("released", released)
        object.string("response_code", responseCode)
        object.string("return_url", returnURL)
        object.string("status", status)
        return object.closed()
    }
}

extension TokenResponse {
    /// `POST /token`'s answer.
    public func json() -> [UInt8] {
        var object = JSONObjectText(capacity: 1_200)
        object.string("access_token", accessToken)
        object.integer("expires_in", expiresIn)
        object.string("id_token", idToken)
        object.string("scope", scope)
        object.string("token_type", tokenType)
        return object.closed()
    }
}
