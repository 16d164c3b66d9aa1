import Script

/// What runs a notebook's code: the language's `Session`, or a stand-in in tests.
///
/// The notebook runner, the REPL and step mode only talk to this protocol.
public protocol CellEvaluator: AnyObject {
    /// Where printed output goes as it happens (`print`, progress bars).
    var output: (DisplayItem) -> Void { get set }
    /// Every `metric(name, value)` recorded so far, in order.
    var recordedMetrics: [(name: String, value: Double)] { get }
    /// Runs code whose first line is line `line` of `file`; returns the display of the
    /// last expression's value. Throws a `CellFailure` when the code fails.
    func evaluate(_ source: String, file: String, line: Int) throws -> [DisplayItem]
    /// Checks code without running it; returns every error found.
    func diagnose(_ source: String, file: String, line: Int) -> [CellFailure]
    /// Whether `source` is an unfinished statement (an open bracket or block).
    func isIncomplete(_ source: String) -> Bool
    /// Completions of the text before the cursor (`prefix`): builtins, variables and
    /// members. Each candidate replaces the whole `prefix`.
    func completions(for prefix: String) -> [String]
    /// Binds `name` to the value of a literal (`0.1`, `"text"`, `[1, 2]`).
    func define(_ name: String, literal: String) throws
    /// The variables defined so far with a one-line summary of each value.
    var variableSummaries: [(name: String, summary: String)] { get }
    /// Asks the running code to stop soon; safe to call from any thread.
    func cancel()
    /// Forgets every variable and metric.
    func reset()
    /// The help text of a builtin, or the help index when `name` is nil.
    func help(_ name: String?) -> String?
    /// Where the language writes files it saves, if anywhere.
    var outputDirectory: String? { get set }
}

/// A failure of running or checking code, with its position in the notebook file.
public struct CellFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The line in the file (1-based), when known.
    public var line: Int?
    /// The column (1-based), when known.
    public var column: Int?
    /// The full text to show: `file:line:col: error: message`, the source line and a caret.
    public var description: String

    /// Creates a failure.
    public init(message: String, line: Int? = nil, column: Int? = nil, description: String? = nil) {
        self.message = message
        self.line = line
        self.column = column
        self.description = description ?? "error: \(message)"
    }
}
