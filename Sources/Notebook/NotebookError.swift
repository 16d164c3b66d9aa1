/// An error in a notebook or its inputs, with the position it points at.
///
/// Printed as `file:line:col: error: message`, then the source line and a caret under
/// the column, like compiler diagnostics.
public struct NotebookError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The notebook file's path, as given.
    public var file: String
    /// The line in the notebook file (1-based); 0 when the error has no line.
    public var line: Int
    /// The column (1-based); 0 when the error has no column.
    public var column: Int
    /// What is wrong, in one sentence.
    public var message: String
    /// The text of the offending line, when known.
    public var sourceLine: String?

    /// Creates an error at a position.
    public init(file: String, line: Int = 0, column: Int = 0, message: String, sourceLine: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `file:line:col: error: message`, the source line and a caret.
    public var description: String {
        var position = file
        if line > 0 {
            position += ":\(line)"
            if column > 0 { position += ":\(column)" }
        }
        var text = "\(position): error: \(message)"
        if let sourceLine, line > 0 {
            text += "\n  \(sourceLine)"
            if column > 0 {
                // Keep tabs so the caret lines up under the same column in a terminal.
                let pad = sourceLine.prefix(column - 1).map { $0 == "\t" ? "\t" : " " }.joined()
                text += "\n  \(pad)^"
            }
        }
        return text
    }
}
