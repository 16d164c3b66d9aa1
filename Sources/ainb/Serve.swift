import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ainb serve MODEL [--port 8501] [--name emotion_ai] ...`: runs the `ainb-serve` program that sits
/// next to this executable, so that the web stack is built only by those who serve.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a saved face model over TensorFlow Serving's REST API (runs ainb-serve).",
        discussion: """
        Everything after `serve` goes to the ainb-serve program beside this executable \
        (`ainb serve --help` shows its options). Build it once with \
        `swift build -c release --product ainb-serve`.
        """)

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The model file and ainb-serve's options.", valueName: "arguments"))
    var arguments: [String] = []

    /// The ainb-serve executable beside this one.
    static func sibling() -> String {
        let me = Bundle.main.executableURL ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("ainb-serve").path
    }

    func run() throws {
        let program = Serve.sibling()
        guard FileManager.default.isExecutableFile(atPath: program) else {
            writeErr("""
            error: ainb serve runs \(program), which is not built.
            Build it with `swift build -c release --product ainb-serve` (it brings the Hummingbird web stack), then run `ainb serve` again.

            """)
            throw ExitCode.failure
        }
        fflush(stdout)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        execv(program, argv)
        writeErr("error: cannot start \(program): \(String(cString: strerror(errno)))\n")
        throw ExitCode.failure
    }
}
