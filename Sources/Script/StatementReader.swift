/// Gathers typed lines into statements the way the REPL reads them: a line that leaves a
/// statement unfinished (an open bracket, block or string; Lua's rule) waits for the next.
///
/// Shared by the REPL and the fuzzer, so the fuzzer feeds programs exactly as a person
/// typing them would.
public struct StatementReader {
    /// The lines of the unfinished statement so far, each ending in a newline.
    public private(set) var pending = ""
    /// The line number the unfinished statement starts on.
    public private(set) var pendingLine: Int
    /// The number the next line added will have.
    public private(set) var nextLine: Int

    /// A reader whose first line is numbered `firstLine`.
    public init(firstLine: Int = 1) {
        pendingLine = firstLine
        nextLine = firstLine
    }

    /// Whether no statement is under way.
    public var isEmpty: Bool { pending.isEmpty }

    /// Adds one line; returns the statement and its first line when this line completes one.
    /// Blank lines before a statement are dropped.
    public mutating func add(_ line: String, isIncomplete: (String) -> Bool) -> (code: String, line: Int)? {
        if pending.isEmpty { pendingLine = nextLine }
        pending += line + "\n"
        nextLine += 1
        if pending.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            pending = ""
            return nil
        }
        if isIncomplete(pending) { return nil }
        defer { pending = "" }
        return (pending, pendingLine)
    }

    /// The input ended inside a statement: returns it (to run, so its error is reported where
    /// the bracket opened) and the lines after its first, to read again in case the next
    /// statements are whole. Nil when no statement is under way.
    public mutating func finish() -> (code: String, line: Int, replay: [String])? {
        guard !pending.isEmpty else { return nil }
        let code = pending, line = pendingLine
        let replay = pending.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast().map(String.init)
        pending = ""
        nextLine = line + 1
        return (code, line, replay)
    }

    /// Forgets the unfinished statement (Ctrl-C at the prompt).
    public mutating func clear() {
        pending = ""
    }
}
