import ArgumentParser
import Foundation

/// ANSI colours for what ainb writes to a terminal.
///
/// Colour is on for a stream only when it is a terminal, `NO_COLOR` is unset or empty
/// (no-color.org), `TERM` is not `dumb`, and `--no-color` was not given.
struct Palette {
    /// Whether escapes are written at all.
    let enabled: Bool

    /// Set by `--no-color` before anything is written.
    nonisolated(unsafe) static var disabledByFlag = false

    /// The palette for standard output.
    static var standardOutput: Palette { Palette(enabled: colorAllowed(fd: 1)) }
    /// The palette for standard error.
    static var standardError: Palette { Palette(enabled: colorAllowed(fd: 2)) }

    /// Whether colour may be written to file descriptor `fd`.
    /// Reads the two variables it needs, not the whole environment: `ainb run` asks once per cell.
    static func colorAllowed(fd: Int32, environment: [String: String]? = nil) -> Bool {
        if disabledByFlag || !isTerminal(fd) { return false }
        func variable(_ name: String) -> String? {
            if let environment { return environment[name] }
            return getenv(name).map { String(cString: $0) }
        }
        if let noColor = variable("NO_COLOR"), !noColor.isEmpty { return false }
        return variable("TERM") != "dumb"
    }

    private func paint(_ code: String, _ text: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Errors: red.
    func error(_ text: String) -> String { paint("31", text) }
    /// The prompt: bold green.
    func prompt(_ text: String) -> String { paint("1;32", text) }
    /// A number, true/false or nil shown as a statement's value: cyan.
    func scalar(_ text: String) -> String { paint("36", text) }
    /// Secondary text (hints, paths, progress): dim.
    func dim(_ text: String) -> String { paint("2", text) }
    /// Code shown in step mode: yellow.
    func code(_ text: String) -> String { paint("33", text) }

    /// A statement's value as text, coloured when it is a single scalar.
    func value(_ text: String) -> String {
        let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
        let isScalar = Double(body) != nil || ["true", "false", "nil", "inf", "-inf", "nan"].contains(body)
        guard isScalar else { return text }
        return scalar(body) + (text.hasSuffix("\n") ? "\n" : "")
    }
}

/// `--no-color`, shared by the commands that write to a terminal.
struct ColorOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Write no colour escapes (also: NO_COLOR=1, or output that is not a terminal).")
    var noColor = false

    /// Applies the flag; call first in `run()`.
    func apply() {
        if noColor { Palette.disabledByFlag = true }
    }
}
