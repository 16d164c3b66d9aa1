import Foundation
import Notebook
import XCTest

/// Every course notebook in `notebooks/` runs fully with `smoke=true` and records its metrics.
final class CourseNotebookTests: XCTestCase {
    /// The package's `notebooks/` folder.
    static let folder = Ainb.packageRoot + "/notebooks"

    /// The metrics each known notebook must record; others must record at least one.
    static let expectedMetrics: [String: [String]] = [
        "00-tour": ["df_at_10", "sum_of_table"],
        "01-neurons": ["neuron_output", "neuron_relu", "neuron_sigmoid", "grad_max_error"],
        "02-gradient-descent": ["steps_sgd", "steps_momentum", "steps_step_decay", "steps_exp_decay",
                                "steps_adagrad", "steps_adam"],
        "03-keypoint-data": ["n_loaded", "n_complete", "n_train", "n_test", "n_train_augmented"],
        "04-keypoints": ["rmse_px", "nme"],
        "05-emotions": ["accuracy", "macro_f1"],
        "07-real-faces": ["synthetic_rmse_px", "real_rmse_px", "real_rmse_px_mirrored", "real_nme", "mean_shape_rmse_px",
                          "synthetic_accuracy", "real_accuracy", "real_macro_f1", "real_accuracy_mirrored", "real_macro_f1_mirrored",
                          "majority_accuracy"],
    ]

    /// The notebook files, in the order `ainb run notebooks/` runs them.
    static func notebookFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".ainb") }.sorted()
    }

    func testEveryCourseNotebookRunsInSmokeModeAndRecordsItsMetrics() throws {
        let files = try Self.notebookFiles()
        XCTAssertGreaterThanOrEqual(files.count, 4, "notebooks/ holds \(files)")
        // One output folder for all, as `ainb run notebooks/ -o DIR` uses: later notebooks may
        // load what earlier ones saved there.
        let output = try TestSupport.temporaryFolder()
        for file in files {
            let path = Self.folder + "/" + file
            let notebook = try NotebookParser.notebook(from: String(contentsOfFile: path, encoding: .utf8), path: path)
            // As `ainb run notebooks/ --set smoke=true` does: each notebook that declares smoke
            // gets it (the short ones, like the tour, have nothing to make smaller).
            let smoke = notebook.params.contains { $0.name == "smoke" }
            let evaluator = ScriptEvaluator()
            evaluator.outputDirectory = output
            let run = try NotebookRun(notebook: notebook, evaluator: evaluator, overrides: smoke ? [(name: "smoke", value: "true")] : [])
            let started = Date()
            let outcome = try run.runAll()
            let seconds = Date().timeIntervalSince(started)
            let failures = outcome.results.compactMap { $0.failure?.description }.joined(separator: "\n")
            XCTAssertTrue(outcome.succeeded, "\(file) failed:\n\(failures)")
            XCTAssertEqual(outcome.results.count, notebook.cells.count, "\(file): not every cell ran")
            for result in outcome.results where result.cell.options.eval {
                XCTAssertEqual(result.status, .ran, "\(file): cell \(result.cell.index) did not run")
            }
            XCTAssertLessThan(seconds, 60, "\(file) took \(Int(seconds)) s with smoke=true")

            let names = outcome.metrics.map(\.name)
            XCTAssertFalse(names.isEmpty, "\(file) records no metric")
            for name in Self.expectedMetrics[notebook.name] ?? [] {
                XCTAssertTrue(names.contains(name), "\(file) does not record '\(name)'; it records \(names)")
            }
            for metric in outcome.metrics {
                XCTAssertTrue(metric.value.isFinite, "\(file): metric \(metric.name) is \(metric.value)")
            }

            // The report and its metrics file are written.
            let report = ReportExporter.report(outcome)
            try ReportWriter().write(report, to: output)
            let metricsFile = output + "/" + report.name + ".metrics.json"
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: metricsFile))) as? [String: Any]
            XCTAssertEqual(Set(json?.keys.map { $0 } ?? []), Set(names), "\(file): metrics file")
        }
    }
}
