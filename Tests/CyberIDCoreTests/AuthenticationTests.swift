import Testing

@testable import CyberIDCore

@Suite struct PasswordPolicyTests {
    @Test(arguments: ["20250917", "480913", "73915062", "0592817364", "246813", "903177"])
    func acceptsPasswordsWithoutAnObviousPattern(_ password: String) {
        #expect(PasswordPolicy.refusal(password) == nil, "\(password) should be accepted")
    }

    @Test(arguments: [
        ("12345", "at least 6"), ("1234a678", "digits only"), ("", "at least 6"), ("abcdefgh", "digits only"),
        ("12 3456", "digits only"), ("111111", "repeats"), ("00000000", "repeats"), ("121212", "repeats"),
        ("123123123", "repeats"), ("12341234", "repeats"), ("123456", "run"), ("12345678", "run"), ("654321", "run"),
        ("890123", "run"), ("9876543210", "run"), ("147258", "keypad"), ("159753", "keypad"), ("5201314", "keypad"),
        ("1472583690", "keypad"), (String(repeating: "7", count: 33), "at most"),
    ])
    func refusesWeakPasswordsAndSaysWhy(_ password: String, _ reason: String) {
        let refusal = PasswordPolicy.refusal(password)
        #expect(refusal?.contains(reason) == true, "\(password): \(refusal ?? "accepted")")
    }

    @Test func refusesThePersonsBirthDateInEveryUsualForm() throws {
        let birth = try CalendarDate(iso8601: "1987-06-05")
        for password in ["19870605", "870605", "050687", "060587", "05061987", "1987060512"] {
            #expect(PasswordPolicy.refusal(password, birthDate: birth)?.contains("birth date") == true, "\(password)")
            #expect(PasswordPolicy.refusal(password) == nil, "\(password) alone")
        }
        #expect(PasswordPolicy.refusal("30419867", birthDate: birth) == nil)
    }
}

@Suite struct AuthenticationModeTests {
    @Test func eachModeSaysWhatTheWalletMustSendAndWhatTheTokenSays() {
        #expect(AuthenticationMode.allCases.map(\.uri) == (1...4).map { "urn:cyberid:mode:R0\($0)" })
        #expect(AuthenticationMode.r01.amr == ["hwk"] && AuthenticationMode.r01.requirements.isEmpty)
        #expect(AuthenticationMode.r02.amr == ["hwk", "pin"] && AuthenticationMode.r02.requirements == ["password"])
        #expect(AuthenticationMode.r03.amr == ["hwk", "face"] && AuthenticationMode.r03.requirements == ["face"])
        #expect(AuthenticationMode.r04.amr == ["hwk", "pin", "face"])
        #expect(AuthenticationMode.r04.requirements == ["password", "face"])
    }

    @Test func parsesURIsAndShortNamesOnly() {
        #expect(AuthenticationMode(parsing: "urn:cyberid:mode:R03") == .r03)
        #expect(AuthenticationMode(parsing: "r02") == .r02)
        for text in ["urn:cyberid:mode:R05", "urn:cyberid:mode:r02", "R0", "http://eidas.europa.eu/LoA/high", ""] {
            #expect(AuthenticationMode(parsing: text) == nil, "\(text)")
        }
    }
}
