import ArgumentParser
import CyberIDProvider
import Foundation

extension Bench {
    /// `cyberid bench sealing`: in this process, no server.
    struct Sealing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a login's sealed state in each sealing form (in this process, no server).",
            discussion: """
                Seals and opens a login's request and code, seals its access token, and writes and reads its \
                decision's grant as a login does, with form 3 (JSON) and form 4 (binary layouts): nanoseconds per operation on one \
                thread (median of the rounds), then per login — the sum of a login's operations, and the same mix \
                measured as one — and form 4's ratio to form 3.
                """)

        @Option(help: "Operations per round.") var iterations = 20_000
        @Option(help: "Rounds per operation (the median is printed).") var rounds = 5

        func validate() throws {
            guard iterations > 0, rounds > 0 else { throw ValidationError("--iterations and --rounds must be positive") }
        }

        func run() async throws {
            let lines = try SealingBenchmark.run(iterations: iterations, rounds: rounds)
            func cost(_ operation: String, _ form: UInt8) -> Double {
                lines.first { $0.operation == operation && $0.form == form }?.nanoseconds ?? 0
            }
            print("operation              form 3 (ns)   form 4 (ns)   ratio")
            for (operation, _) in SealingBenchmark.perLogin {
                let (json, binary) = (cost(operation, 3), cost(operation, 4))
                print(
                    operation.padding(toLength: 22, withPad: " ", startingAt: 0)
                        + String(format: " %11.0f   %11.0f   %5.2f", json, binary, binary / json))
            }
            let json = SealingBenchmark.perLogin.reduce(0) { $0 + cost($1.operation, 3) * Double($1.times) }
            let binary = SealingBenchmark.perLogin.reduce(0) { $0 + cost($1.operation, 4) * Double($1.times) }
            print(String(format: "per login (the sum)    %11.0f   %11.0f   %5.2f", json, binary, binary / json))
            let (mixJSON, mixBinary) = (cost(SealingBenchmark.login, 3), cost(SealingBenchmark.login, 4))
            print(String(format: "per login (measured)   %11.0f   %11.0f   %5.2f", mixJSON, mixBinary, mixBinary / mixJSON))
        }
    }
}
