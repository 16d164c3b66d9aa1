import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `ainb` executable, with pipes or in a pseudo-terminal.
enum Ainb {
    /// The package's root folder.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The `ainb` executable next to the test bundle (`.build/release/ainb`).
    static func binary() throws -> String {
        let besideTests = (CommandLine.arguments.first.map { ($0 as NSString).deletingLastPathComponent } ?? "") + "/ainb"
        for candidate in [besideTests, packageRoot + "/.build/release/ainb"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw PseudoTerminalError("ainb is not built next to the tests: run `swift build -c release` first")
    }

    /// The result of a run.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `ainb arguments` with `input` on standard input, in `directory`, HOME set to a
    /// scratch folder; killed after `timeout` seconds.
    static func run(_ arguments: [String], input: String = "", directory: String? = nil,
                    home: String? = nil, timeout: Double = 300) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = try home ?? TestSupport.temporaryFolder()
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // A child that never ends is killed, so the test fails instead of hanging.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a full pipe cannot block the child.
        let errBox = DataBox()
        let errThread = Thread { errBox.data = stderr.fileHandleForReading.readDataToEndOfFile(); errBox.done.signal() }
        errThread.start()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errBox.done.wait()
        let errData = errBox.data
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// `ainb` running in a pseudo-terminal, driven like a user at a keyboard.
final class PseudoTerminal {
    private let master: Int32
    let pid: pid_t
    /// Everything the program has written so far.
    private(set) var transcript = ""
    private var consumed: String.Index

    /// Starts `ainb arguments` on a new pseudo-terminal (its controlling terminal), with
    /// `environment` added to the test's own (TERM is `dumb` unless it sets one).
    init(_ arguments: [String], home: String, environment extra: [String: String] = [:]) throws {
        let binary = try Ainb.binary()
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, UInt(0x4004_5431) /* TIOCSPTLCK */, &unlock) == 0, ioctl(master, UInt(0x8004_5430) /* TIOCGPTN */, &number) == 0 else {
            throw PseudoTerminalError("cannot open a pseudo-terminal")
        }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new session: opening the terminal makes it the controlling one, so Ctrl-C
        // typed into it sends SIGINT.
        posix_spawnattr_setflags(&attributes, Int16(0x80 /* POSIX_SPAWN_SETSID */))

        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["TERM"] = "dumb"
        environment["INPUTRC"] = "/dev/null"
        environment["NO_COLOR"] = ""
        environment.merge(extra) { _, new in new }
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, binary, &actions, &attributes, argv, envp)
        guard status == 0 else { throw PseudoTerminalError("cannot start ainb: \(status)") }
        pid = child
        consumed = transcript.startIndex
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Types `text` (use "\r" for Enter, "\u{3}" for Ctrl-C, "\t" for Tab, "\u{4}" for Ctrl-D).
    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits until `text` appears in the output after what earlier `expect`s matched;
    /// fails the test with the transcript if it does not within `timeout` seconds.
    @discardableResult
    func expect(_ text: String, timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let range = transcript[consumed...].range(of: text) {
                consumed = range.upperBound
                return true
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { break }
            pump(timeout: min(left, 0.2))
        }
        XCTFail("expected \(text.debugDescription); transcript:\n\(transcript)", file: file, line: line)
        return false
    }

    /// Reads what is available within `timeout` seconds.
    func pump(timeout: Double) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &buffer, buffer.count)
        if count > 0 { transcript += String(decoding: buffer[0..<count], as: UTF8.self) }
    }

    /// Waits for the program to exit; returns its exit status, or nil on timeout.
    func waitForExit(timeout: Double = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var status: Int32 = 0
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid {
                pump(timeout: 0.05)
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            pump(timeout: 0.05)
        }
        return nil
    }
}

struct PseudoTerminalError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Standard error's bytes, read on another thread.
private final class DataBox: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}
