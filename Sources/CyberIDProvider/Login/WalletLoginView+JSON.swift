import Foundation

// The wallet's view as JSON, written member by member (``JSONObjectText``) rather than by
// `JSONEncoder`, whose generic encoding cost the page × 1.08 once the link carried the view
// (benchmarks.md, "The fifteenth step"). It is `JSONEncoder`'s output with `.sortedKeys`,
// `.withoutEscapingSlashes` and `.iso8601` — the fetch's answer before — byte for byte:
// `ViewJSONTests` compares the two on random views, and fails when the type has a stored
// property `json()` does not write (a field added to the view must be added here too).

extension WalletLoginView {
    /// The view as `GET /wallet/v1/login` answers it and the same-device link's `v` carries it —
    /// the same bytes for the same view: a same-device login makes it twice (the page's link,
    /// the decision's check).
    public func json() -> [UInt8] {
        var object = JSONObjectText(capacity: 640)
        // In `.sortedKeys`' order. Foundation compares keys case-insensitively and numerically,
        // which for these (lowercase letters and `_`, no two first differing at a `_`, no digits)
        // is their bytes' order; the tests' comparison holds it.
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
