import Testing

@testable import CyberIDProvider

@Suite struct FormParametersTests {
    @Test func decodesPercentAndPlus() throws {
        let form = try FormParameters(encoded: "scope=openid+age&redirect_uri=https%3A%2F%2Fa.example%2Fcb%3Fx%3D1&empty=")
        #expect(form["scope"] == "openid age")
        #expect(form["redirect_uri"] == "https://a.example/cb?x=1")
        #expect(form["empty"] == nil)
    }

    @Test func refusesRepeatedParameters() {
        #expect(throws: ProviderError.invalidRequest("")) { try FormParameters(encoded: "state=a&state=b") }
    }

    @Test func refusesBadEncoding() {
        #expect(throws: ProviderError.invalidRequest("")) { try FormParameters(encoded: "state=%zz") }
        #expect(throws: ProviderError.invalidRequest("")) { try FormParameters(encoded: "state=%C3%28") }
    }

    @Test func encodingRoundTrips() throws {
        let text = "a b&c=d/é~"
        let encoded = FormParameters.encode([("k", text)])
        #expect(encoded == "k=a%20b%26c%3Dd%2F%C3%A9~")
        #expect(try FormParameters(encoded: encoded)["k"] == text)
    }
}
