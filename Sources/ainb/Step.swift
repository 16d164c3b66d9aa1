import ArgumentParser
import Foundation
import Notebook

/// `ainb step NB [--set k=v]... [--cache [-o DIR]]`
struct Step: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Step through a notebook: prose, then code, run on Enter.",
        discussion: """
        For each cell, shows the prose before it (markdown made readable in a terminal), \
        then the code, and waits for a key (on a terminal it acts at once, without Enter):
          Enter   run the cell and show its outputs (figures are saved and their paths shown)
          s       skip the cell
          r       open the REPL in the notebook's state; :continue comes back
          q       quit
        """)

    @Argument(help: ArgumentHelp("The notebook to step through.", valueName: "notebook"))
    var notebook: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter.", valueName: "name=value"))
    var sets: [String] = []

    @Option(help: ArgumentHelp("Save figures into this folder (default: a temporary folder).", valueName: "dir"))
    var figures: String?

    @Flag(help: "Take unchanged cells from the cell cache of `ainb run --cache` (Enter shows a cached cell at once).")
    var cache = false

    @Option(name: .shortAndLong, help: ArgumentHelp("With --cache: the folder the notebook's run wrote into (its files, and its cache in DIR/.ainb-cache).", valueName: "dir"))
    var output: String?

    @Option(name: .customLong("cache-dir"), help: ArgumentHelp("With --cache: the cache folder, as given to `ainb run --cache-dir`.", valueName: "path"))
    var cacheDir: String?

    @OptionGroup var color: ColorOptions

    func run() throws {
        color.apply()
        let notebook = try NotebookFiles.read(self.notebook)
        let evaluator = try makeEvaluator()
        let terminal = TerminalOutput(figuresFolder: figures ?? TerminalOutput.temporaryFiguresFolder())
        let run = try NotebookRun(notebook: notebook, evaluator: evaluator, overrides: try NotebookFiles.overrides(sets))
        if let output { evaluator.outputDirectory = output.expandingTilde }
        if cache {
            run.cache = CellCache(directory: CacheLocation.directory(cacheDir: cacheDir, output: output), version: CacheLocation.version,
                                  warn: { writeErr("warning: \($0)\n") })
        }
        run.onEvent = { event in
            if case .output(let item, _) = event { terminal.show(item) }
        }
        StatementRunner.installInterruptHandler()
        let runner = StatementRunner(evaluator: evaluator)
        let palette = Palette.standardOutput
        let interactive = isTerminal(0)
        let source: LineSource = interactive
            ? ReadlineSource(historyPath: Repl.historyPath, completer: { evaluator.completions(for: $0) })
            : PlainLineSource(showsPrompts: true)
        let style = StepStyle(palette: palette)
        let (defined, _) = runner.run { try run.defineParams() }
        try defined.get()
        if !run.params.isEmpty {
            writeOut(style.dim("params: " + run.params.map { "\($0.name) = \($0.value.literal)" }.joined(separator: ", ")) + "\n")
        }
        let cells = notebook.cells
        let markdown = TerminalMarkdown(ansi: palette.enabled)
        blocks: for block in notebook.blocks {
            switch block {
            case .prose(let text, _):
                let shown = markdown.render(text)
                if !shown.isEmpty { writeOut("\n" + shown) }
            case .cell(let cell):
                writeOut("\n" + style.cellHeader(cell, of: cells.count) + style.code(cell.code))
                guard cell.options.eval else {
                    writeOut(style.dim("(not run: eval=false)") + "\n")
                    continue
                }
                prompt: while true {
                    let answer = interactive ? KeyPress.read(prompt: style.prompt) : source.read(prompt: style.prompt)
                    switch answer {
                    case .end:
                        break blocks
                    case .interrupt:
                        continue prompt
                    case .line(let answer):
                        switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
                        case "":
                            let (outcome, interrupted) = runner.run { run.run(cell) }
                            if interrupted { writeErr("cancelled\n") }
                            if case .success(let result) = outcome, let failure = result.failure {
                                if result.status == .failedAsExpected {
                                    writeOut(style.dim(failure.description + "\n(failed as expected)") + "\n")
                                } else {
                                    writeErr(Palette.standardError.error(failure.description) + "\n")
                                }
                            }
                            break prompt
                        case "s":
                            writeOut(style.dim("(skipped)") + "\n")
                            break prompt
                        case "r":
                            // The REPL sees the state after the last cell; what it changes is not in the cache.
                            run.stopCaching(because: "the REPL changed the session")
                            let loop = ReplLoop(evaluator: evaluator, source: source, terminal: terminal, runner: runner,
                                                nested: true, interactive: interactive)
                            writeOut(style.dim("REPL in the notebook's state; :continue returns to the notebook") + "\n")
                            if loop.run() == .quit { break blocks }
                            writeOut("\n" + style.cellHeader(cell, of: cells.count) + style.code(cell.code))
                        case "q", ":q", ":quit":
                            break blocks
                        default:
                            writeOut("Enter runs the cell, s skips it, r opens the REPL, q quits\n")
                        }
                    }
                }
            }
        }
        writeOut(style.dim("end of \(notebook.name)") + "\n")
    }
}

/// How step mode draws headers, code and prompts, with or without colour.
struct StepStyle {
    let palette: Palette

    var prompt: String { palette.dim("[Enter] run · s skip · r REPL · q quit") + " › " }

    func dim(_ text: String) -> String { palette.dim(text) }

    func cellHeader(_ cell: Cell, of count: Int) -> String {
        dim("── cell \(cell.index)/\(count) · line \(cell.fenceLine) ──") + "\n"
    }

    func code(_ code: String) -> String {
        code.split(separator: "\n", omittingEmptySubsequences: false).dropLast(code.hasSuffix("\n") ? 1 : 0)
            .map { "  " + palette.code(String($0)) + "\n" }.joined()
    }
}
