import Dispatch
import Files
import Foundation
import Script
import Notebook

/// The read-eval-print loop: statements (multi-line when unfinished) and `:commands`.
///
/// Shared by `ainb repl` and step mode's `r`, which opens it in the notebook's state.
final class ReplLoop {
    /// How the loop ended.
    enum Exit {
        /// `:quit`.
        case quit
        /// `:continue` (only when opened from step mode).
        case resume
        /// End of input (Ctrl-D).
        case end
    }

    let evaluator: CellEvaluator
    let source: LineSource
    let terminal: TerminalOutput
    let runner: StatementRunner
    /// Opened from step mode: `:continue` returns to it.
    let nested: Bool
    /// Interactive (a terminal): shows prompts and a greeting.
    let interactive: Bool
    /// What was typed and ran without error, for `:save`.
    private(set) var entries: [String] = []
    /// Statements that failed (the exit status of a scripted session).
    private(set) var errorCount = 0
    private var lineNumber = 1

    init(evaluator: CellEvaluator, source: LineSource, terminal: TerminalOutput, runner: StatementRunner,
         nested: Bool, interactive: Bool) {
        self.evaluator = evaluator
        self.source = source
        self.terminal = terminal
        self.runner = runner
        self.nested = nested
        self.interactive = interactive
    }

    static let commands = """
    REPL commands:
      :help [name]     help on a builtin (or the list of builtins)
      :doc name        help on a builtin, with its example run
      :time stmt       run a statement and say how long it took (wall and processor time)
      :load NB.ainb    run a notebook's cells into this session
      :vars, :who      the variables defined so far, with their shapes and sizes
      :reset           forget every variable
      :save FILE.ainb  save what was typed as a notebook
      :continue        return to step mode (when opened from it)
      :quit            leave (Ctrl-D also leaves; Ctrl-C cancels a running statement)
    _ is the value of the last expression shown.
    """

    /// Colours for values on standard output and errors on standard error.
    private let outPalette = Palette.standardOutput
    private let errPalette = Palette.standardError

    /// Reads and runs until `:quit`, `:continue` or the end of input.
    func run() -> Exit {
        var reader = StatementReader(firstLine: lineNumber)
        defer { lineNumber = reader.nextLine }
        // Lines to read again before the source's next ones (after an unfinished statement).
        var replay: [String] = []
        var ended = false
        let evaluator = self.evaluator
        while true {
            let prompt = outPalette.prompt(reader.isEmpty ? (nested ? "ainb (step)>" : "ainb>") : "   ...>") + " "
            let input = !replay.isEmpty ? .line(replay.removeFirst()) : ended ? .end : source.read(prompt: prompt)
            switch input {
            case .end:
                ended = true
                // The input ended inside a statement (an unclosed bracket): report it, where
                // the bracket opened, then go on with the lines after the statement's first.
                guard let unfinished = reader.finish() else { return .end }
                execute(unfinished.code, line: unfinished.line)
                replay = unfinished.replay
                if replay.isEmpty { return .end }
            case .interrupt:
                reader.clear()
            case .line(let line):
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if reader.isEmpty && trimmed.hasPrefix(":") {
                    source.remember(trimmed)
                    if let exit = command(trimmed) { return exit }
                    continue
                }
                guard let statement = reader.add(line, isIncomplete: { evaluator.isIncomplete($0) }) else { continue }
                source.remember(statement.code)
                execute(statement.code, line: statement.line)
            }
        }
    }

    /// Runs one statement, shows its value or its error; returns whether it ran.
    @discardableResult
    func execute(_ code: String, line: Int) -> Bool {
        let evaluator = self.evaluator
        let (result, interrupted) = runner.run { try evaluator.evaluate(code, file: "<repl>", line: line) }
        switch result {
        case .success(let items):
            for item in items {
                if case .text(let text) = item { terminal.show(.text(outPalette.value(text))) } else { terminal.show(item) }
            }
            entries.append(code)
            return true
        case .failure(let error):
            errorCount += 1
            if interrupted {
                writeErr(errPalette.dim("cancelled") + "\n")
            } else {
                writeErr(errPalette.error((error as? CellFailure)?.description ?? "error: \(error)") + "\n")
            }
            return false
        }
    }

    /// `:time STMT`: runs it like any statement, then says its wall and processor time.
    func time(_ code: String) {
        let wallStart = DispatchTime.now().uptimeNanoseconds
        let processorStart = clock()
        let ran = execute(code + "\n", line: 1)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9
        let processor = Double(clock() - processorStart) / Double(CLOCKS_PER_SEC)
        let verb = ran ? "took" : "failed after"
        writeOut(outPalette.dim("\(verb) \(TerminalOutput.duration(wall)) wall, \(TerminalOutput.duration(processor)) processor") + "\n")
    }

    /// `:doc NAME`: the builtin's help, then its example run in a fresh session (so the
    /// example never touches the user's variables).
    func doc(_ name: String) {
        guard let help = evaluator.help(name) else {
            writeErr("no help for '\(name)' (try :help for the list)\n")
            return
        }
        writeOut(help.hasSuffix("\n") ? help : help + "\n")
        let example = Self.example(in: help)
        guard !example.isEmpty, let scratch = try? makeEvaluator() else { return }
        writeOut(outPalette.dim("Running the example:") + "\n")
        let scratchTerminal = terminal
        scratch.output = { scratchTerminal.show($0) }
        let (result, _) = runner.run { try scratch.evaluate(example, file: "<example>", line: 1) }
        switch result {
        case .success(let items): for item in items { terminal.show(item) }
        case .failure(let error): writeErr(errPalette.error((error as? CellFailure)?.description ?? "error: \(error)") + "\n")
        }
    }

    /// The code under "Example:" in a builtin's help (its indented lines).
    static func example(in help: String) -> String {
        let lines = help.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Example") }) else { return "" }
        let body = lines[(start + 1)...].prefix { $0.hasPrefix("  ") || $0.isEmpty }
        return body.map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : $0 }.joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a `:command`; returns how to leave the loop, or nil to go on.
    func command(_ text: String) -> Exit? {
        let parts = text.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch name {
        case "help", "h", "?":
            if argument.isEmpty {
                writeOut((evaluator.help(nil).map { $0.hasSuffix("\n") ? $0 : $0 + "\n" } ?? "") + Self.commands + "\n")
            } else if let help = evaluator.help(argument) {
                writeOut(help.hasSuffix("\n") ? help : help + "\n")
            } else {
                writeErr("no help for '\(argument)' (try :help for the list)\n")
            }
        case "doc":
            guard !argument.isEmpty else { writeErr("usage: :doc NAME\n"); return nil }
            doc(argument)
        case "time":
            guard !argument.isEmpty else { writeErr("usage: :time STATEMENT\n"); return nil }
            time(argument)
        case "load":
            guard !argument.isEmpty else { writeErr("usage: :load NOTEBOOK.ainb\n"); return nil }
            load(argument.expandingTilde)
        case "vars", "who":
            let vars = evaluator.variableSummaries.filter { $0.name != "_" }
            if vars.isEmpty {
                writeOut("(no variables)\n")
            } else {
                writeOut(TableText.render(headers: [], rows: vars.map { [$0.name, $0.summary] }))
            }
        case "reset":
            evaluator.reset()
            entries = []
            writeOut("session reset\n")
        case "save":
            guard !argument.isEmpty else { writeErr("usage: :save FILE.ainb\n"); return nil }
            save(argument.expandingTilde)
        case "quit", "q", "exit":
            return .quit
        case "continue", "c":
            if nested { return .resume }
            writeErr(":continue only works in a REPL opened from step mode\n")
        default:
            writeErr("unknown command ':\(name)' (try :help)\n")
        }
        return nil
    }

    /// `:load`: runs a notebook's params and cells into this session.
    func load(_ path: String, cache: CellCache? = nil) {
        do {
            let notebook = try NotebookFiles.read(path)
            let run = try NotebookRun(notebook: notebook, evaluator: evaluator)
            run.cache = cache
            let terminal = self.terminal
            run.onEvent = { event in
                if case .output(let item, _) = event { terminal.show(item) }
            }
            let (defined, _) = runner.run { try run.defineParams() }
            try defined.get()
            for param in run.params { entries.append("\(param.name) = \(param.value.literal)\n") }
            var ran = 0
            for cell in notebook.cells where cell.options.eval {
                let (outcome, interrupted) = runner.run { run.run(cell) }
                let result = try outcome.get()
                if let failure = result.failure, result.status == .failed {
                    errorCount += 1
                    writeErr("\(failure.description)\n")
                    writeErr("stopped loading \(path) at cell \(cell.index)\n")
                    return
                }
                if interrupted { writeErr("cancelled\n"); return }
                if result.status == .ran { entries.append(cell.code) }
                ran += 1
            }
            run.catchUpWithCache()
            writeOut("loaded \(path) (\(ran) cell\(ran == 1 ? "" : "s"))\n")
        } catch {
            errorCount += 1
            writeErr("\(error)\n")
        }
    }

    /// `:save`: writes the entries as a notebook, atomically.
    func save(_ path: String) {
        let text = NotebookWriter.notebook(cells: entries)
        do {
            try AtomicFile.write(text, to: path)
            writeOut("saved \(entries.count) cell\(entries.count == 1 ? "" : "s") to \(path)\n")
        } catch {
            writeErr("error: \(error)\n")
        }
    }
}
