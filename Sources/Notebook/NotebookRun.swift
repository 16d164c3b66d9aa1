import Script

/// Runs a notebook's cells in order in one evaluator, recording each cell's outputs.
///
/// Used whole by `ainb run` (`runAll`) and one cell at a time by step mode (`run(_:)`).
public final class NotebookRun {
    /// The notebook being run.
    public let notebook: Notebook
    /// The evaluator the cells run in.
    public let evaluator: CellEvaluator
    /// The parameters in effect: defaults with overrides applied.
    public let params: [Param]
    /// The result of every cell run so far, in order.
    public private(set) var results: [CellResult] = []
    /// Called with each output as it appears and with each cell's start and end.
    public var onEvent: (RunEvent) -> Void = { _ in }
    /// The cell cache, when the run uses one: unchanged cells are taken from it instead of
    /// run (docs/cache.md).
    public var cache: CellCache?
    /// Where the cache stands in this run.
    var cacheProgress = CacheProgress()

    /// Prepares a run: resolves `overrides` against the notebook's params.
    public init(notebook: Notebook, evaluator: CellEvaluator, overrides: [(name: String, value: String)] = []) throws {
        self.notebook = notebook
        self.evaluator = evaluator
        self.params = try Params.resolve(notebook.params, overrides: overrides)
    }

    /// Defines every parameter in the evaluator; call once before the first cell.
    public func defineParams() throws {
        for param in params {
            do {
                try evaluator.define(param.name, literal: param.value.literal)
            } catch {
                throw NotebookError(file: notebook.path, line: param.line, column: 0,
                                    message: "cannot define parameter '\(param.name)' = \(param.value.literal): \(error)")
            }
        }
    }

    /// Runs one cell (or takes it from the cache) and records its result.
    @discardableResult
    public func run(_ cell: Cell) -> CellResult {
        if let cache { return runCached(cell, in: cache) }
        return runLive(cell)
    }

    /// Records a result taken from the cache, sending the events a run would.
    func record(_ result: CellResult, shown: [DisplayItem]) {
        onEvent(.cellStarted(result.cell))
        for item in shown { onEvent(.output(item, cell: result.cell)) }
        results.append(result)
        onEvent(.cellFinished(result))
    }

    /// Runs one cell in the evaluator and records its result.
    func runLive(_ cell: Cell) -> CellResult {
        var result = CellResult(cell: cell, status: .skipped)
        guard cell.options.eval else {
            results.append(result)
            onEvent(.cellFinished(result))
            return result
        }
        onEvent(.cellStarted(cell))
        let metricsBefore = evaluator.recordedMetrics
        let previousOutput = evaluator.output
        var streamed: [DisplayItem] = []
        evaluator.output = { [weak self] item in
            streamed.append(item)
            self?.onEvent(.output(item, cell: cell))
        }
        defer { evaluator.output = previousOutput }
        do {
            let shown = try evaluator.evaluate(cell.code, file: notebook.path, line: cell.codeLine)
            result.outputs = streamed + shown
            for item in shown { onEvent(.output(item, cell: cell)) }
            if cell.options.error {
                result.status = .failed
                result.failure = CellFailure(
                    message: "cell \(cell.index) is marked error=true but ran without an error",
                    line: cell.fenceLine, column: 1,
                    description: "\(notebook.path):\(cell.fenceLine):1: error: cell \(cell.index) is marked error=true but ran without an error")
            } else {
                result.status = .ran
            }
        } catch {
            result.outputs = streamed
            result.failure = error as? CellFailure ?? CellFailure(message: "\(error)", description: "\(notebook.path):\(cell.codeLine): error: \(error)")
            result.status = cell.options.error ? .failedAsExpected : .failed
        }
        result.metrics = Self.recorded(since: metricsBefore, now: evaluator.recordedMetrics)
        results.append(result)
        onEvent(.cellFinished(result))
        return result
    }

    /// Defines the params and runs every cell; stops at the first failure unless
    /// `keepGoing`.
    public func runAll(keepGoing: Bool = false) throws -> RunOutcome {
        try defineParams()
        var stoppedAt: Int?
        for cell in notebook.cells {
            let result = run(cell)
            if result.status == .failed && !keepGoing {
                stoppedAt = cell.index
                break
            }
        }
        return outcome(stoppedAt: stoppedAt)
    }

    /// The metrics that are new or changed between two snapshots.
    static func recorded(since before: [(name: String, value: Double)], now: [(name: String, value: Double)]) -> [Metric] {
        var previous: [String: Double] = [:]
        for metric in before { previous[metric.name] = metric.value }
        var changed: [Metric] = []
        for (index, metric) in now.enumerated() {
            let old = previous[metric.name]
            let isNew = index >= before.count && old == nil
            let moved = old.map { !($0 == metric.value || ($0.isNaN && metric.value.isNaN)) } ?? true
            if isNew || moved { changed.append(Metric(name: metric.name, value: metric.value)) }
        }
        return changed
    }

    /// The run so far as an outcome for a report.
    public func outcome(stoppedAt: Int? = nil) -> RunOutcome {
        RunOutcome(notebook: notebook, params: params, results: results,
                   metrics: (cacheProgress.sessionMetrics ?? evaluator.recordedMetrics).map { Metric(name: $0.name, value: $0.value) },
                   stoppedAt: stoppedAt)
    }
}

/// What happens during a run, in order.
public enum RunEvent {
    /// A cell is about to run.
    case cellStarted(Cell)
    /// A cell printed or displayed something.
    case output(DisplayItem, cell: Cell)
    /// A cell finished (ran, failed or was skipped).
    case cellFinished(CellResult)
}

/// A recorded metric.
public struct Metric: Equatable, Sendable {
    /// Its name.
    public var name: String
    /// Its value.
    public var value: Double
    /// Creates a metric.
    public init(name: String, value: Double) {
        self.name = name
        self.value = value
    }
}

/// The result of one cell.
public struct CellResult: Equatable, Sendable {
    /// How a cell ended.
    public enum Status: Equatable, Sendable {
        /// It ran without error.
        case ran
        /// It failed (or, with `error=true`, did not fail).
        case failed
        /// It failed, and was marked `error=true`.
        case failedAsExpected
        /// It was not run (`eval=false`).
        case skipped
    }

    /// The cell.
    public var cell: Cell
    /// How it ended.
    public var status: Status
    /// Everything it printed and displayed, in order.
    public var outputs: [DisplayItem] = []
    /// The error, if it failed.
    public var failure: CellFailure?
    /// The metrics it recorded.
    public var metrics: [Metric] = []

    /// Creates a result.
    public init(cell: Cell, status: Status, outputs: [DisplayItem] = [], failure: CellFailure? = nil, metrics: [Metric] = []) {
        self.cell = cell
        self.status = status
        self.outputs = outputs
        self.failure = failure
        self.metrics = metrics
    }
}

/// A finished (or stopped) run: everything a report is made of.
public struct RunOutcome: Equatable, Sendable {
    /// The notebook.
    public var notebook: Notebook
    /// The parameters in effect.
    public var params: [Param]
    /// The cells that ran (or were skipped), in order.
    public var results: [CellResult]
    /// Every metric recorded, in order.
    public var metrics: [Metric]
    /// The cell the run stopped at, if a failure stopped it.
    public var stoppedAt: Int?

    /// Creates an outcome.
    public init(notebook: Notebook, params: [Param], results: [CellResult], metrics: [Metric], stoppedAt: Int?) {
        self.notebook = notebook
        self.params = params
        self.results = results
        self.metrics = metrics
        self.stoppedAt = stoppedAt
    }

    /// Whether every cell ran as expected.
    public var succeeded: Bool {
        stoppedAt == nil && !results.contains { $0.status == .failed }
    }

    /// The cells that failed.
    public var failedCells: [Int] {
        results.filter { $0.status == .failed }.map(\.cell.index)
    }
}
