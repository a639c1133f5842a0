import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's driver, from `libclang_rt.fuzzer_no_main` (linked by scripts/fuzz): it parses
/// libFuzzer's own flags and runs `callback` on every input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target chosen on the command line, set before the driver starts.
nonisolated(unsafe) var selectedTarget: FuzzTarget?

/// The entry point. SwiftPM names an executable's `main` after its module and links
/// `main = CyberIDFuzz_main`; libFuzzer's own `main` is not linked (the `no_main` runtime), so this
/// one picks the target and hands over to the driver:
///
///     cyberid-fuzz TARGET [libFuzzer flags] [CORPUS_DIR ...]
///     cyberid-fuzz --list
///     cyberid-fuzz --seed DIR        (writes a seed corpus per target under DIR/TARGET)
@_cdecl("CyberIDFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let arguments = CommandLine.arguments
    guard arguments.count >= 2 else {
        printError("usage: cyberid-fuzz TARGET [libFuzzer flags] [CORPUS ...] | --list | --seed DIR")
        return 2
    }
    switch arguments[1] {
    case "--list":
        for target in FuzzTarget.all { print(target.name) }
        return 0
    case "--seed":
        guard arguments.count == 3 else { return 2 }
        do {
            try Seeds.write(to: URL(fileURLWithPath: arguments[2]))
            return 0
        } catch {
            printError("cyberid-fuzz: cannot write seeds: \(error)")
            return 1
        }
    default:
        guard let target = FuzzTarget.all.first(where: { $0.name == arguments[1] }) else {
            printError("cyberid-fuzz: no target \(arguments[1]); --list lists them")
            return 2
        }
        selectedTarget = target
        target.prepare()
        // Drop the target's name: libFuzzer sees `cyberid-fuzz [flags] [corpus]`.
        var rest = [argv![0]] + (2..<Int(argc)).map { argv![$0] }
        var count = CInt(rest.count)
        rest.append(nil)
        return rest.withUnsafeMutableBufferPointer { buffer in
            var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
            return LLVMFuzzerRunDriver(&count, &pointer) { data, size in
                let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
                selectedTarget!.run(bytes)
                return 0
            }
        }
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
