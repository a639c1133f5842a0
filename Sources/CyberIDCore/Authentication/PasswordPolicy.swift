/// The rules a network-identity password (口令) must meet (issue 17): digits only, at least 6
/// (8 recommended), and none of the guesses an attacker tries first — one digit repeated, a
/// run up or down the digits, a short block repeated, a keypad pattern, or the person's own
/// birth date.
///
/// Online guessing is bounded by the lock after five wrong tries; these rules keep the first
/// five guesses from being the likely ones.
public enum PasswordPolicy {
    /// The shortest password accepted.
    public static let minimumLength = 6
    /// The length recommended to people.
    public static let recommendedLength = 8
    /// The longest password accepted.
    public static let maximumLength = 32

    /// Patterns people choose for their look on a keypad rather than their digits.
    static let keypadPatterns: Set<String> = [
        "147258", "258369", "147258369", "159357", "159753", "357159", "951753", "741852", "852963",
        "741852963", "123321", "321123", "112233", "111222", "123654", "147369", "520520", "521521",
        "5201314", "1314520", "112358", "13579", "135790", "246810", "02468", "9876543210", "0123456789",
    ]

    /// Why `password` is refused, or `nil` when it is acceptable.
    /// - Parameter birthDate: the person's birth date; a password made of it is refused.
    public static func refusal(_ password: String, birthDate: CalendarDate? = nil) -> String? {
        let digits = Array(password.utf8)
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return "the password is made of digits only"
        }
        guard digits.count >= minimumLength else {
            return "the password needs at least \(minimumLength) digits (\(recommendedLength) recommended)"
        }
        guard digits.count <= maximumLength else { return "the password has at most \(maximumLength) digits" }
        let values = digits.map { Int($0) - 48 }
        if isRepeatedBlock(values) { return "the password repeats the same digits" }
        if isRun(values, step: 1) || isRun(values, step: 9) { return "the password is a run of consecutive digits" }
        if keypadPatterns.contains(where: { password.contains($0) && $0.count * 4 >= password.count * 3 }) {
            return "the password is a common keypad pattern"
        }
        if let birthDate, birthDateForms(birthDate).contains(where: { password.contains($0) }) {
            return "the password contains the person's birth date"
        }
        return nil
    }

    /// One digit repeated, or a block of up to half the length repeated (121212, 123123).
    static func isRepeatedBlock(_ values: [Int]) -> Bool {
        for period in 1...(values.count / 2) where values.count % period == 0 {
            if values.indices.allSatisfy({ values[$0] == values[$0 % period] }) { return true }
        }
        return false
    }

    /// Each digit `step` after the one before, modulo 10 (1 up, 9 down): 123456, 890123, 654321.
    static func isRun(_ values: [Int], step: Int) -> Bool {
        zip(values, values.dropFirst()).allSatisfy { ($0 + step) % 10 == $1 }
    }

    /// The ways a birth date is written in digits: YYYYMMDD, YYMMDD, DDMMYY, MMDDYY, DDMMYYYY.
    static func birthDateForms(_ date: CalendarDate) -> [String] {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = "\(date.year)"
        let short = two(date.year % 100)
        let (month, day) = (two(date.month), two(date.day))
        return [year + month + day, short + month + day, day + month + short, month + day + short, day + month + year]
    }
}
