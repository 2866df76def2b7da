// The wire decoders under libFuzzer. Build and run (see README, "Fuzzing"):
//   swift build -c release --product NetplayFuzz -Xswiftc -sanitize=fuzzer,address \
//       -Xswiftc -DNETPLAY_LIBFUZZER --scratch-path .build-fuzz
//   .build-fuzz/release/NetplayFuzz -max_total_time=60 fuzz-corpus/
// Without NETPLAY_LIBFUZZER this target is a corpus replayer, so a plain build still links.

#if NETPLAY_LIBFUZZER
/// libFuzzer's driver for programs that keep their own `main` (SwiftPM names an executable's
/// entry point `NetplayFuzz_main` and aliases `main` to it, so libFuzzer's own `main` is
/// never linked in).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("NetplayFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        WireFuzzInput.fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}
#else
import Foundation
import Netplay
import NetplayTesting

/// Replays crash or corpus files given as arguments through the decoders.
@main
enum FuzzReplay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            WireFuzzInput.fuzzOne(bytes)
            print("ok \(path) (\(bytes.count) bytes)")
        }
    }
}
#endif
