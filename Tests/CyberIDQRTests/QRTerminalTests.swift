import Testing

@testable import CyberIDQR

@Suite struct QRTerminalTests {
    /// Reads the half-block drawing back into modules: every module of the symbol and of the
    /// quiet zone is where it should be (light drawn, dark blank).
    @Test(arguments: ["CYBERID:7K3QM9XH2D", "a longer content that needs a bigger version of the symbol, 0123456789"])
    func theTerminalDrawingHoldsEveryModule(_ text: String) throws {
        let code = try QRCode(text: text)
        let quiet = 2
        let lines = code.terminal(quietZone: quiet).split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        let extent = code.size + 2 * quiet
        #expect(lines.count == (extent + 1) / 2)
        for (row, line) in lines.enumerated() {
            #expect(line.count == extent)
            for (column, character) in line.enumerated() {
                let (top, bottom): (Bool, Bool) =
                    switch character {
                    case "\u{2588}": (true, true)
                    case "\u{2580}": (true, false)
                    case "\u{2584}": (false, true)
                    default: (false, false)
                    }
                let x = column - quiet
                #expect(top == !code[x: x, y: 2 * row - quiet], "row \(2 * row), column \(column)")
                if 2 * row + 1 < extent {
                    #expect(bottom == !code[x: x, y: 2 * row + 1 - quiet], "row \(2 * row + 1), column \(column)")
                }
            }
        }
    }
}
