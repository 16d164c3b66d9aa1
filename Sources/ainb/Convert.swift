import ArgumentParser
import Foundation
import Graphics
import Notebook

/// `ainb convert NB.ainb --to ipynb [--run] [-o FILE]` and `ainb convert NB.ipynb --to ainb`
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert notebooks between .ainb and Jupyter's .ipynb.",
        discussion: """
        --to ipynb turns prose into markdown cells and ainb cells into code cells; the front \
        matter is kept in the notebook's metadata and its params are defined by a first code \
        cell tagged 'parameters' (--set changes the values written there). With --run the \
        notebook runs first and each cell carries its outputs, figures inlined as image/png.
        --to ainb turns markdown cells into prose and code cells into ```ainb fences; \
        outputs are dropped. .ainb -> .ipynb -> .ainb gives back the same bytes.

        The result goes to -o FILE, or beside the input with the new extension.

        Examples:
          ainb convert notebooks/02-gradient-descent.ainb --to ipynb
          ainb convert notebooks/02-gradient-descent.ainb --to ipynb --run --set smoke=true -o 02.ipynb
          ainb convert 02.ipynb --to ainb -o 02.ainb
        """)

    /// The formats a notebook converts to.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case ipynb, ainb
    }

    @Argument(help: ArgumentHelp("The notebook to convert (.ainb or .ipynb).", valueName: "notebook"))
    var input: String

    @Option(help: ArgumentHelp("The format to write: ipynb or ainb.", valueName: "format"))
    var to: Format

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write (default: beside the input).", valueName: "file"))
    var output: String?

    @Flag(name: .customLong("run"), help: "Run the notebook and keep its outputs (--to ipynb).")
    var runFirst = false

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter (--to ipynb).", valueName: "name=value"))
    var sets: [String] = []

    @Flag(name: .customLong("keep-going"), help: "With --run, run the remaining cells after a cell fails.")
    var keepGoing = false

    func validate() throws {
        if to == .ainb && (runFirst || !sets.isEmpty) { throw ValidationError("--run and --set apply to --to ipynb only") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: input) else { throw CLIError("\(input): cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(input): the file is not UTF-8 text") }
        let target = output ?? Self.defaultOutput(input, format: to)
        if (target as NSString).standardizingPath == (input as NSString).standardizingPath {
            throw CLIError("\(input): the output would overwrite the input; give another file with -o")
        }
        let result: String
        var failed = false
        switch to {
        case .ainb:
            result = try IpynbImporter.ainb(fromIpynb: text, path: input)
        case .ipynb:
            let notebook = try NotebookParser.notebook(from: text, path: input)
            let overrides = try NotebookFiles.overrides(sets)
            for (name, value) in overrides where !notebook.params.contains(where: { $0.name == name }) {
                throw CLIError("unknown parameter '\(name)' in --set \(name)=\(value) (\(notebook.params.isEmpty ? "the notebook has no params" : "its params are " + notebook.params.map(\.name).joined(separator: ", ")))")
            }
            let params = try Params.resolve(notebook.params, overrides: overrides)
            var outcome: RunOutcome?
            if runFirst {
                outcome = try runNotebook(notebook, overrides: overrides)
                failed = !(outcome?.succeeded ?? false)
            }
            result = IpynbExporter.ipynb(source: text, notebook: notebook, params: params, outcome: outcome)
        }
        try Graphics.AtomicFile.write(Array(result.utf8), to: target)
        writeErr("wrote \(target)\n")
        if failed { throw ExitCode(1) }
    }

    /// Runs every cell (stopping at the first failure unless --keep-going); Ctrl-C cancels.
    func runNotebook(_ notebook: Notebook, overrides: [(name: String, value: String)]) throws -> RunOutcome {
        let evaluator = try makeEvaluator()
        if let output { evaluator.outputDirectory = (output as NSString).deletingLastPathComponent.isEmpty ? "." : (output as NSString).deletingLastPathComponent }
        evaluator.output = { _ in }
        let run = try NotebookRun(notebook: notebook, evaluator: evaluator, overrides: overrides)
        StatementRunner.installInterruptHandler()
        let runner = StatementRunner(evaluator: evaluator)
        let keepGoing = self.keepGoing
        let (outcome, interrupted) = runner.run { try run.runAll(keepGoing: keepGoing) }
        if interrupted {
            writeErr("\(notebook.name): interrupted; nothing written\n")
            throw ExitCode(130)
        }
        let result = try outcome.get()
        for cell in result.results where cell.status == .failed {
            if let failure = cell.failure { writeErr("\(failure.description)\n") }
        }
        return result
    }

    /// `dir/NAME.ainb` becomes `dir/NAME.ipynb` and the other way round.
    static func defaultOutput(_ input: String, format: Format) -> String {
        let base = (input as NSString).deletingPathExtension
        return base + "." + format.rawValue
    }
}
