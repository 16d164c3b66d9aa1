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
    /// Where the text not yet lexed starts in `pending`, in UTF-8 bytes (a string left open by one line is
    /// lexed again with the lines after it), and the brackets open before it: each line is
    /// lexed once, so a long block costs time in proportion to its length, not its square.
    private var unlexed = 0
    private var openBefore: [Character] = []

    /// A reader whose first line is numbered `firstLine`.
    public init(firstLine: Int = 1) {
        pendingLine = firstLine
        nextLine = firstLine
    }

    /// Whether no statement is under way.
    public var isEmpty: Bool { pending.isEmpty }

    /// Adds one line; returns the statement and its first line when this line completes one.
    /// Blank lines before a statement are dropped.
    /// `isIncomplete` decides (Session.isIncomplete): it is asked only once every bracket
    /// and string is closed, since until then the statement cannot be whole.
    public mutating func add(_ line: String, isIncomplete: (String) -> Bool) -> (code: String, line: Int)? {
        nextLine += 1
        if pending.isEmpty {
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { return nil }
            pendingLine = nextLine - 1
            unlexed = 0
            openBefore = []
        }
        pending += line + "\n"
        let start = pending.utf8.index(pending.utf8.startIndex, offsetBy: unlexed)
        guard let open = Lexer.openBrackets(after: String(pending[start...]), open: openBefore) else { return nil }
        openBefore = open
        unlexed = pending.utf8.count
        if !open.isEmpty || isIncomplete(pending) { return nil }
        defer { clear() }
        return (pending, pendingLine)
    }

    /// The input ended inside a statement: returns it (to run, so its error is reported where
    /// the bracket opened) and the lines after its first, to read again in case the next
    /// statements are whole. Nil when no statement is under way.
    public mutating func finish() -> (code: String, line: Int, replay: [String])? {
        guard !pending.isEmpty else { return nil }
        let code = pending, line = pendingLine
        let replay = pending.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast().map(String.init)
        clear()
        nextLine = line + 1
        return (code, line, replay)
    }

    /// Forgets the unfinished statement (Ctrl-C at the prompt).
    public mutating func clear() {
        pending = ""
        unlexed = 0
        openBefore = []
    }
}
