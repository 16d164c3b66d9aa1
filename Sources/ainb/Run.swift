import ArgumentParser
import Foundation
import Notebook

/// `ainb run NB... [-o DIR] [--format md,html] [--set k=v]... [--quiet] [--keep-going] [--cache]`
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run notebooks top to bottom, and write their reports with -o.",
        discussion: """
        Each notebook runs in one fresh session: its params are defined first (front matter \
        defaults, then --set overrides), then its cells run in order. Printed text and \
        outputs appear as cells run. A failing cell stops that notebook and shows the error \
        with the notebook's file:line:col; --keep-going runs the remaining cells instead.
        The exit status is 0 only if every cell of every notebook ran.

        With -o DIR, each notebook NAME gets DIR/NAME.md (prose, code and outputs), \
        DIR/NAME-assets/*.png (figures) and DIR/NAME.metrics.json (every metric recorded); \
        --format html writes DIR/NAME.html instead of the markdown, one page with its \
        figures inlined and a table of contents (--format md,html writes both). \
        The same notebook and params give byte-identical files. Files are replaced only when \
        the whole report is written: an interrupted run leaves the previous report intact.

        With --cache (or `cache: true` in a notebook's front matter), a cell whose code, \
        options, params, earlier cells and input files are unchanged is taken from the cell \
        cache (DIR/.ainb-cache, or --cache-dir) instead of run: its outputs are replayed and \
        the report is the same, byte for byte. A changed cell and every cell after it run \
        again. --no-cache runs every cell. See docs/cache.md and `ainb cache`.

        Examples:
          ainb run notebooks/02-gradient-descent.ainb
          ainb run notebooks/ -o out/
          ainb run notebooks/02-gradient-descent.ainb -o out/ --format md,html
          ainb run notebooks/04-keypoints.ainb --set data=~/kaggle/training.csv
          ainb run notebooks/ -o report/ --cache
        """)

    @Argument(help: ArgumentHelp("Notebooks to run; a folder runs its .ainb files in name order.", valueName: "notebook"))
    var notebooks: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("Write reports into this folder.", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp("Report formats, comma-separated: md (default), html.", valueName: "formats"))
    var format: String = "md"

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter: a number, string, true/false or [list].", valueName: "name=value"))
    var sets: [String] = []

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .customLong("keep-going"), help: "Run the remaining cells after a cell fails; the failed cells are marked in the report.")
    var keepGoing = false

    @Flag(help: "Take unchanged cells from the cell cache; run and store the others.")
    var cache = false

    @Flag(name: .customLong("no-cache"), help: "Run every cell, even in notebooks whose front matter says cache: true.")
    var noCache = false

    @Option(name: .customLong("cache-dir"), help: ArgumentHelp("The cell cache's folder (default: DIR/.ainb-cache with -o, else ./.ainb-cache).", valueName: "path"))
    var cacheDir: String?

    @OptionGroup var color: ColorOptions

    /// The formats `--format` names, in order, each once.
    func formats() throws -> [ReportFormat] {
        var formats: [ReportFormat] = []
        for name in format.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let format = ReportFormat(rawValue: name) else {
                throw ValidationError("unknown report format '\(name)' in --format \(self.format) (expected \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        return formats
    }

    func validate() throws { _ = try formats() }

    func run() throws {
        color.apply()
        let formats = try formats()
        let paths = try NotebookFiles.expand(notebooks)
        let overrides = try NotebookFiles.overrides(sets)
        if output != nil {
            var seen: [String: String] = [:]
            for path in paths {
                let name = Notebook.name(ofPath: path)
                if let other = seen[name] {
                    throw CLIError("\(other) and \(path) would both write the report \(name).md; run them with different -o folders")
                }
                seen[name] = path
            }
        }
        var parsed: [(String, Result<Notebook, Error>)] = []
        for path in paths { parsed.append((path, Result { try NotebookFiles.read(path) })) }

        // An override must be declared by at least one notebook of the run.
        let declared = Set(parsed.compactMap { try? $0.1.get() }.flatMap { $0.params.map(\.name) })
        for (name, value) in overrides where !declared.contains(name) {
            throw CLIError(Params.unknownMessage(name, value, known: declared.sorted()))
        }

        StatementRunner.installInterruptHandler()
        let cellCache = CellCache(directory: CacheLocation.directory(cacheDir: cacheDir, output: output), version: CacheLocation.version,
                                  warn: { writeErr(Palette.standardError.dim("warning: \($0)") + "\n") })
        var failures = 0
        for (_, result) in parsed {
            switch result {
            case .failure(let error):
                writeErr("\(error)\n")
                failures += 1
            case .success(let notebook):
                let mine = overrides.filter { name, _ in notebook.params.contains { $0.name == name } }
                let cached = !noCache && (cache || notebook.cache == true)
                if try !runNotebook(notebook, overrides: mine, formats: formats, cache: cached ? cellCache : nil) { failures += 1 }
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// Runs one notebook and writes its report; returns whether every cell ran.
    func runNotebook(_ notebook: Notebook, overrides: [(name: String, value: String)], formats: [ReportFormat], cache: CellCache? = nil) throws -> Bool {
        let evaluator = try makeEvaluator()
        // Files the notebook saves itself (checkpoints) go beside the report.
        if let output { evaluator.outputDirectory = output }
        let terminal = TerminalOutput(figuresFolder: TerminalOutput.temporaryFiguresFolder())
        let run = try NotebookRun(notebook: notebook, evaluator: evaluator, overrides: overrides)
        run.cache = cache
        let cells = notebook.cells
        let verbose = !quiet
        run.onEvent = { event in
            switch event {
            case .cellStarted(let cell):
                if verbose { writeErr(progressLine("\(notebook.name): cell \(cell.index)/\(cells.count) (line \(cell.fenceLine))")) }
            case .output(let item, _):
                guard verbose else { return }
                if case .image(_, let caption) = item {
                    writeOut("[figure\(caption.isEmpty ? "" : ": \(caption)")]\n")
                } else {
                    terminal.show(item)
                }
            case .cellFinished(let result):
                if let failure = result.failure {
                    if result.status == .failed {
                        writeErr(Palette.standardError.error(failure.description) + "\n")
                    } else if verbose {
                        writeErr("(cell \(result.cell.index) failed as expected)\n")
                    }
                }
            }
        }
        let runner = StatementRunner(evaluator: evaluator)
        let (defined, _) = runner.run { try run.defineParams() }
        if case .failure(let error) = defined {
            writeErr("\(error)\n")
            return false
        }
        var stoppedAt: Int?
        for cell in cells {
            let (outcome, interrupted) = runner.run { run.run(cell) }
            if interrupted {
                writeErr("\(notebook.name): interrupted at cell \(cell.index); no report written\n")
                throw ExitCode(130)
            }
            if case .success(let result) = outcome, result.status == .failed, !keepGoing {
                stoppedAt = cell.index
                break
            }
        }
        let outcome = run.outcome(stoppedAt: stoppedAt)
        if verbose && cache != nil {
            writeErr(progressLine("\(notebook.name): \(run.cellsFromCache.count) of \(cells.count) cells from the cache"))
        }
        if let output {
            let report = ReportExporter.report(outcome)
            do {
                try ReportWriter().write(report, to: output, formats: formats)
            } catch {
                writeErr("error: cannot write the report of \(notebook.path) into \(output): \(error)\n")
                return false
            }
            if verbose {
                for format in formats { writeErr("wrote \(output.appendingPathComponentSafe(report.name + "." + format.rawValue))\n") }
            }
        }
        if !outcome.succeeded {
            let failed = outcome.failedCells.map(String.init).joined(separator: ", ")
            writeErr("\(notebook.path): failed (cell\(outcome.failedCells.count == 1 ? "" : "s") \(failed))\n")
        }
        return outcome.succeeded
    }
}

/// A dim progress line on a terminal, a plain one otherwise.
func progressLine(_ text: String) -> String {
    Palette.standardError.dim("▸ \(text)") + "\n"
}
