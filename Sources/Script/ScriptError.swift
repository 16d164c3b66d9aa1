/// A place in a source file: 1-based line and column.
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file; self.line = line; self.column = column
    }

    /// `file:line:col`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// An error in an ainb program, parse-time or run-time, with where it happened.
public struct ScriptError: Error, CustomStringConvertible {
    /// What went wrong, in one sentence.
    public var message: String
    /// Where, when known.
    public var location: SourceLocation?
    /// The text of the line at `location`, to show with a caret.
    public var sourceLine: String?
    /// User-function frames the error passed through, innermost first.
    public var stack: [String]

    public init(_ message: String, at location: SourceLocation? = nil, sourceLine: String? = nil, stack: [String] = []) {
        self.message = message; self.location = location; self.sourceLine = sourceLine; self.stack = stack
    }

    /// `file:line:col: error: message`, then the source line with a caret under the column, then the stack.
    public var description: String {
        var out = ""
        if let location { out += "\(location): " }
        out += "error: \(message)"
        if let sourceLine, let location {
            // Control characters (a NUL byte, an escape sequence) would garble the terminal:
            // each shows as one '?', which keeps the caret under its column.
            let shown = String(sourceLine.map { c -> Character in
                c != "\t" && c.unicodeScalars.contains { $0.properties.generalCategory == .control } ? "?" : c
            })
            out += "\n  " + shown
            // Keep tabs so the caret lines up under the column.
            let prefix = shown.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
            out += "\n  " + prefix + "^"
        }
        for frame in stack { out += "\n  " + frame }
        return out
    }
}

/// Thrown by `Session.run` when `cancel()` stopped the program.
extension ScriptError {
    /// The message of the error a cancelled run throws.
    public static let cancelledMessage = "cancelled"
}
