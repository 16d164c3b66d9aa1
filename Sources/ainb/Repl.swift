import ArgumentParser
import Foundation
import Notebook

/// `ainb` / `ainb repl [--load NB [--cache] [-o DIR]]`
struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore at the REPL (the default when ainb is run with no command).",
        discussion: """
        Type statements; an unfinished one (an open bracket or block) continues on the next \
        line. Tab completes builtins, variables and members; history is kept in \
        ~/.ainb_history. Ctrl-C cancels a running statement and keeps the session's state; \
        at the prompt it clears the line. Ctrl-D leaves.

        \(ReplLoop.commands)

        Without a terminal on standard input, statements are read from it and their \
        results printed, with no prompts; the exit status is 1 if any statement failed.
          echo 'x = 2
          x * 21' | ainb
        """)

    @Option(help: ArgumentHelp("Run a notebook's cells first, then continue at the prompt.", valueName: "notebook"))
    var load: String?

    @Flag(help: "With --load: take the notebook's unchanged cells from the cell cache of `ainb run --cache`, so the session starts at its end without re-running them.")
    var cache = false

    @Option(name: .shortAndLong, help: ArgumentHelp("With --load: the folder the notebook's run wrote into (its files, and its cache in DIR/.ainb-cache).", valueName: "dir"))
    var output: String?

    @Option(name: .customLong("cache-dir"), help: ArgumentHelp("With --cache: the cache folder, as given to `ainb run --cache-dir`.", valueName: "path"))
    var cacheDir: String?

    @Option(help: ArgumentHelp("Save figures into this folder (default: a temporary folder).", valueName: "dir"))
    var figures: String?

    @OptionGroup var color: ColorOptions

    func run() throws {
        color.apply()
        let evaluator = try makeEvaluator()
        (evaluator as? ScriptEvaluator)?.session.bindsLastValue = true
        let terminal = TerminalOutput(figuresFolder: figures ?? TerminalOutput.temporaryFiguresFolder())
        evaluator.output = { terminal.show($0) }
        StatementRunner.installInterruptHandler()
        let interactive = isTerminal(0)
        let source: LineSource = interactive
            ? ReadlineSource(historyPath: Repl.historyPath, completer: { evaluator.completions(for: $0) })
            : PlainLineSource(showsPrompts: false)
        let loop = ReplLoop(evaluator: evaluator, source: source, terminal: terminal,
                            runner: StatementRunner(evaluator: evaluator), nested: false, interactive: interactive)
        if interactive {
            writeOut("ainb \(AINB.version) · :help for help, Ctrl-D to leave\n")
        }
        if let output { evaluator.outputDirectory = output.expandingTilde }
        let cellCache = cache ? CellCache(directory: CacheLocation.directory(cacheDir: cacheDir, output: output), version: CacheLocation.version,
                                          warn: { writeErr("warning: \($0)\n") }) : nil
        if let load { loop.load(load.expandingTilde, cache: cellCache) }
        _ = loop.run()
        if !interactive && loop.errorCount > 0 { throw ExitCode(1) }
    }

    /// `~/.ainb_history`.
    static var historyPath: String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".ainb_history")
    }
}
