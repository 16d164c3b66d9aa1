import Script

/// The language's `Session` as the evaluator of notebooks, the REPL and step mode.
public final class ScriptEvaluator: CellEvaluator {
    /// The session the code runs in.
    public let session: Session

    /// Wraps `session` (a fresh one by default).
    public init(session: Session = Session()) {
        self.session = session
    }

    public var output: (DisplayItem) -> Void {
        get { session.output }
        set { session.output = newValue }
    }

    public var recordedMetrics: [(name: String, value: Double)] { session.metrics }

    public func evaluate(_ source: String, file: String, line: Int) throws -> [DisplayItem] {
        do {
            return try session.run(source, file: file, line: line)
        } catch let error as ScriptError {
            throw Self.failure(error)
        }
    }

    public func diagnose(_ source: String, file: String, line: Int) -> [CellFailure] {
        session.check(source, file: file, line: line).map(Self.failure)
    }

    public func isIncomplete(_ source: String) -> Bool { session.isIncomplete(source) }

    public func completions(for prefix: String) -> [String] { session.completions(for: prefix) }

    public func define(_ name: String, literal: String) throws { try session.define(name, literal: literal) }

    public var variableSummaries: [(name: String, summary: String)] { session.variables }

    public func cancel() { session.cancel() }

    public func reset() { session.reset() }

    public func help(_ name: String?) -> String? { Session.help(name) }

    public var outputDirectory: String? {
        get { session.outputDirectory }
        set { session.outputDirectory = newValue }
    }

    /// A `ScriptError` as a cell failure, keeping its position and full text.
    static func failure(_ error: ScriptError) -> CellFailure {
        CellFailure(message: error.message, line: error.location?.line, column: error.location?.column,
                    description: error.description)
    }
}
