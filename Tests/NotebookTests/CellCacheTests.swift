import Foundation
import Notebook
import Script
import XCTest

/// The cell cache: hits, misses, what invalidates an entry, damaged entries, values that
/// cannot be stored, and that a report from the cache is the report of a full run.
final class CellCacheTests: XCTestCase {
    /// A run of `source` in a fresh session, writing files into `folder`.
    struct Ran {
        var report: Report
        var fromCache: [Int]
        var warnings: [String]
        var run: NotebookRun
        var session: Session
    }

    func run(_ source: String, in folder: String, cache: Bool = true, overrides: [(name: String, value: String)] = []) throws -> Ran {
        // The same notebook path in every run: errors name it in reports.
        let notebook = try NotebookParser.notebook(from: source, path: "t.ainb")
        let evaluator = ScriptEvaluator()
        evaluator.output = { _ in }
        evaluator.outputDirectory = folder
        let run = try NotebookRun(notebook: notebook, evaluator: evaluator, overrides: overrides)
        let warnings = WarningBox()
        if cache {
            run.cache = CellCache(directory: URL(fileURLWithPath: folder + "/.ainb-cache"), version: "test", warn: { warnings.lines.append($0) })
        }
        let outcome = try run.runAll()
        return Ran(report: ReportExporter.report(outcome), fromCache: run.cellsFromCache, warnings: warnings.lines,
                   run: run, session: evaluator.session)
    }

    final class WarningBox { var lines: [String] = [] }

    /// The same notebook run without the cache, in its own folder.
    func uncached(_ source: String, overrides: [(name: String, value: String)] = []) throws -> Report {
        try run(source, in: try TestSupport.temporaryFolder(), cache: false, overrides: overrides).report
    }

    static let training = """
    ---
    title: Cache
    params:
      n: 6
    ---
    # Cache

    ```ainb
    a = 2
    words = ["x", "y"]
    r = {lr: 0.1, name: "p"}
    t = randn([2, 3], seed: 1)
    print("a is {a}")
    metric("a", a)
    ```

    Some prose.

    ```ainb
    faces = keypoint_faces(n: n, seed: 1)
    model = mlp([1, 96, 96], 30, hidden: [3])
    opt = adam(lr: 0.01)
    history = fit(model, faces, optimizer: opt, epochs: 2, batch: 3, verbose: false)
    table([{k: "a", v: "{a}"}])
    ```

    ```ainb error=true
    nope(1)
    ```

    ```ainb
    again = fit(model, faces, optimizer: opt, epochs: 1, batch: 3, verbose: false)
    metric("loss", again.loss[0])
    plot(history)
    ```
    """

    func testASecondRunTakesEveryCellFromTheCacheAndWritesTheSameReport() throws {
        let folder = try TestSupport.temporaryFolder()
        let first = try run(Self.training, in: folder)
        XCTAssertEqual(first.fromCache, [])
        let second = try run(Self.training, in: folder)
        XCTAssertEqual(second.fromCache, [1, 2, 3, 4])
        let reference = try uncached(Self.training)
        XCTAssertEqual(first.report, reference)
        XCTAssertEqual(second.report, reference)
        XCTAssertEqual(second.warnings, [])
    }

    func testChangingACellRunsItAndTheCellsAfterItFromTheStoredState() throws {
        let folder = try TestSupport.temporaryFolder()
        _ = try run(Self.training, in: folder)
        // The last cell goes on training the restored model with the restored optimizer's moments.
        let edited = Self.training.replacingOccurrences(of: "plot(history)", with: "plot(again)")
        let second = try run(edited, in: folder)
        XCTAssertEqual(second.fromCache, [1, 2, 3])
        XCTAssertEqual(second.report, try uncached(edited))
        // An upstream change runs everything after it.
        let upstream = edited.replacingOccurrences(of: "hidden: [3]", with: "hidden: [2]")
        let third = try run(upstream, in: folder)
        XCTAssertEqual(third.fromCache, [1])
        XCTAssertEqual(third.report, try uncached(upstream))
    }

    func testEditingProseRunsNothing() throws {
        let folder = try TestSupport.temporaryFolder()
        _ = try run(Self.training, in: folder)
        let edited = Self.training.replacingOccurrences(of: "Some prose.", with: "Other words entirely.")
        let second = try run(edited, in: folder)
        XCTAssertEqual(second.fromCache, [1, 2, 3, 4])
        XCTAssertEqual(second.report, try uncached(edited))
    }

    func testChangingAParamRunsEveryCell() throws {
        let folder = try TestSupport.temporaryFolder()
        _ = try run(Self.training, in: folder)
        let second = try run(Self.training, in: folder, overrides: [("n", "4")])
        XCTAssertEqual(second.fromCache, [])
        XCTAssertEqual(second.report, try uncached(Self.training, overrides: [("n", "4")]))
        XCTAssertEqual(try run(Self.training, in: folder, overrides: [("n", "4")]).fromCache, [1, 2, 3, 4])
    }

    func testAnInputFileThatIsTouchedHitsAndOneThatChangesRunsAgain() throws {
        let folder = try TestSupport.temporaryFolder()
        let weights = folder + "/w.safetensors"
        let maker = Session()
        _ = try maker.run("save(mlp([1, 2, 2], 3, seed: 1), \"\(weights)\")", file: "setup")
        let source = """
        ```ainb
        m = load(mlp([1, 2, 2], 3), "\(weights)")
        predict(m, ones([1, 1, 2, 2]))
        ```

        ```ainb
        there = exists("\(folder)/flag")
        ```
        """
        _ = try run(source, in: folder)
        XCTAssertEqual(try run(source, in: folder).fromCache, [1, 2])
        // Same bytes, new time: still a hit.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: weights)
        XCTAssertEqual(try run(source, in: folder).fromCache, [1, 2])
        // New bytes: the reading cell and the cells after it run.
        _ = try maker.run("save(mlp([1, 2, 2], 3, seed: 2), \"\(weights)\")", file: "setup")
        let changed = try run(source, in: folder)
        XCTAssertEqual(changed.fromCache, [])
        XCTAssertEqual(changed.report, try uncached(source))
        // A file that appears where a cell asked whether it exists.
        FileManager.default.createFile(atPath: folder + "/flag", contents: Data("1".utf8))
        XCTAssertEqual(try run(source, in: folder).fromCache, [1])
    }

    func testADamagedEntryIsAMissWithAWarningAndADamagedStateIsRebuilt() throws {
        let folder = try TestSupport.temporaryFolder()
        _ = try run(Self.training, in: folder)
        let entries = folder + "/.ainb-cache/entries"
        let names = try FileManager.default.contentsOfDirectory(atPath: entries).sorted()
        XCTAssertEqual(names.count, 4)
        // Truncate one entry: that cell runs again (and so do the ones after it).
        let victim = entries + "/" + names[0]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: victim))
        let second = try run(Self.training, in: folder)
        XCTAssertTrue(second.warnings.contains { $0.contains("damaged") }, "\(second.warnings)")
        XCTAssertLessThan(second.fromCache.count, 4)
        XCTAssertEqual(second.report, try uncached(Self.training))
        // Damage every stored tensor, then change the last cell: the state cannot be restored,
        // so the earlier cells run again instead, and the report is still right.
        let tensors = folder + "/.ainb-cache/tensors"
        for name in try FileManager.default.contentsOfDirectory(atPath: tensors) {
            let url = URL(fileURLWithPath: tensors + "/" + name)
            var data = try Data(contentsOf: url)
            data[data.count - 1] ^= 0xFF
            try data.write(to: url)
        }
        let edited = Self.training.replacingOccurrences(of: "plot(history)", with: "plot(again)")
        let third = try run(edited, in: folder)
        XCTAssertEqual(third.fromCache, [1, 2, 3])
        XCTAssertTrue(third.warnings.contains { $0.contains("cannot be used") }, "\(third.warnings)")
        XCTAssertEqual(third.report, try uncached(edited))
    }

    func testEveryFileArgumentTheCacheFollowsIsDeclaredByItsBuiltin() {
        for (builtin, file) in FileArguments.byBuiltin {
            let declared = Registry.shared.doc(builtin)?.parameters.map(\.name) ?? []
            XCTAssertTrue(declared.contains(file.argument), "\(builtin) declares \(declared), not '\(file.argument)'")
        }
    }

    func testAFileACellWritesIsSaidAndWrittenAgainOnAHit() throws {
        let folder = try TestSupport.temporaryFolder()
        let source = """
        ```ainb
        path = save(mlp([1, 2, 2], 3, seed: 4), "weights.safetensors")
        ```
        """
        let first = try run(source, in: folder)
        XCTAssertEqual(first.warnings.count, 1, "\(first.warnings)")
        XCTAssertTrue(first.warnings[0].contains("cell 1 writes weights.safetensors"), first.warnings[0])
        let written = try Data(contentsOf: URL(fileURLWithPath: folder + "/weights.safetensors"))
        try FileManager.default.removeItem(atPath: folder + "/weights.safetensors")
        let second = try run(source, in: folder)
        XCTAssertEqual(second.fromCache, [1])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/weights.safetensors")), written)
        XCTAssertEqual(second.report, try uncached(source))
    }

    func testAValueThatCannotBeStoredIsSaidOnceAndTheRunCarriesOn() throws {
        let folder = try TestSupport.temporaryFolder()
        let source = """
        ```ainb
        fn double(v) = v * 2
        k = 5
        ```

        ```ainb
        k = double(k)
        ```

        ```ainb
        double(k) + 1
        ```
        """
        let first = try run(source, in: folder)
        XCTAssertEqual(first.warnings.count, 1, "\(first.warnings)")
        XCTAssertTrue(first.warnings[0].contains("'double'"), first.warnings[0])
        XCTAssertEqual(try run(source, in: folder).fromCache, [1, 2, 3])
        // A change after cells whose state was not stored runs them again to rebuild it.
        let edited = source.replacingOccurrences(of: "double(k) + 1", with: "double(k) + 2")
        let second = try run(edited, in: folder)
        XCTAssertEqual(second.fromCache, [1, 2])
        XCTAssertEqual(second.report, try uncached(edited))
    }

    func testACellThatCallsClockIsNotCachedUnlessMarked() throws {
        let folder = try TestSupport.temporaryFolder()
        let source = """
        ```ainb
        a = 1
        ```

        ```ainb
        t = clock()
        ```

        ```ainb
        a + 1
        ```
        """
        let first = try run(source, in: folder)
        XCTAssertTrue(first.warnings.contains { $0.contains("clock()") }, "\(first.warnings)")
        XCTAssertEqual(try run(source, in: folder).fromCache, [1])
        let marked = source.replacingOccurrences(of: "```ainb\nt = clock()", with: "```ainb cache=true\nt = clock()")
        _ = try run(marked, in: folder)
        XCTAssertEqual(try run(marked, in: folder).fromCache, [1, 2, 3])
    }

    func testLoadingThroughTheCacheGivesTheStateOfAFullRun() throws {
        let folder = try TestSupport.temporaryFolder()
        _ = try run(Self.training, in: folder)
        let cached = try run(Self.training, in: folder)
        XCTAssertEqual(cached.fromCache, [1, 2, 3, 4])
        cached.run.catchUpWithCache()
        let full = try run(Self.training, in: try TestSupport.temporaryFolder(), cache: false)
        for name in ["a", "words", "r", "t", "n", "model", "opt", "history", "again"] {
            XCTAssertEqual(cached.session.valueText(name), full.session.valueText(name), name)
        }
        XCTAssertEqual(cached.session.metrics.map(\.name), full.session.metrics.map(\.name))
        XCTAssertEqual(cached.session.metrics.map(\.value), full.session.metrics.map(\.value))
        // The restored model and optimizer train on exactly as the originals do.
        let next = "fit(model, faces, optimizer: opt, epochs: 1, batch: 3, verbose: false).loss"
        XCTAssertEqual(try cached.session.run(next, file: "next"), try full.session.run(next, file: "next"))
    }

    func testInfoCountsTheEntriesAndClearEmptiesTheCache() throws {
        let folder = try TestSupport.temporaryFolder()
        _ = try run(Self.training, in: folder)
        let cache = CellCache(directory: URL(fileURLWithPath: folder + "/.ainb-cache"), version: "test")
        let info = cache.info()
        XCTAssertEqual(info.entries, 4)
        XCTAssertEqual(info.damaged, 0)
        XCTAssertGreaterThan(info.tensors, 0)
        XCTAssertEqual(info.notebooks.map(\.name), ["t"])
        try cache.clear()
        XCTAssertEqual(cache.info().entries, 0)
        XCTAssertEqual(try run(Self.training, in: folder).fromCache, [])
    }

    func testAKilledRunLeavesACacheThatStillGivesTheRightReport() throws {
        let folder = try TestSupport.temporaryFolder()
        let source = Self.training.replacingOccurrences(
            of: "```ainb error=true", with: "```ainb\ns = 0\nfor i in 0..30000000 { s = s + i }\n```\n\n```ainb error=true")
        try source.write(toFile: folder + "/t.ainb", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Ainb.binary())
        process.arguments = ["run", folder + "/t.ainb", "-o", folder + "/out", "--cache", "--quiet"]
        try process.run()
        // Kill it once the first cells are stored, while the slow cell runs.
        let entries = folder + "/out/.ainb-cache/entries"
        let deadline = Date(timeIntervalSinceNow: 60)
        while Date() < deadline && ((try? FileManager.default.contentsOfDirectory(atPath: entries))?.count ?? 0) < 2 { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/out/t.md"), "the run ended before it was killed")
        let again = try Ainb.run(["run", folder + "/t.ainb", "-o", folder + "/out", "--cache"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stderr.contains("damaged"), again.stderr)
        let reference = try Ainb.run(["run", folder + "/t.ainb", "-o", folder + "/ref", "--quiet"])
        XCTAssertEqual(reference.status, 0, reference.stderr)
        XCTAssertEqual(try String(contentsOfFile: folder + "/out/t.md", encoding: .utf8),
                       try String(contentsOfFile: folder + "/ref/t.md", encoding: .utf8))
        let third = try Ainb.run(["run", folder + "/t.ainb", "-o", folder + "/out", "--cache"])
        XCTAssertTrue(third.stderr.contains("5 of 5 cells from the cache"), third.stderr)
    }

    func testFrontMatterTurnsTheCacheOnAndTheCommandsUseIt() throws {
        let folder = try TestSupport.temporaryFolder()
        let source = "---\ncache: true\n---\n```ainb\nx = 6\nprint(x * 7)\n```\n\n```ainb cache=false\nx + 1\n```\n"
        try source.write(toFile: folder + "/c.ainb", atomically: true, encoding: .utf8)
        let out = folder + "/out"
        XCTAssertEqual(try Ainb.run(["run", folder + "/c.ainb", "-o", out]).status, 0)
        let second = try Ainb.run(["run", folder + "/c.ainb", "-o", out])
        XCTAssertTrue(second.stderr.contains("1 of 2 cells from the cache"), second.stderr)
        let forced = try Ainb.run(["run", folder + "/c.ainb", "-o", out, "--no-cache"])
        XCTAssertFalse(forced.stderr.contains("from the cache"), forced.stderr)
        let info = try Ainb.run(["cache", "info", out])
        XCTAssertTrue(info.stdout.contains("entries: 1,"), info.stdout)
        // Step mode shows the cached cell's output at once, then runs the other.
        let step = try Ainb.run(["step", folder + "/c.ainb", "-o", out, "--cache"], input: "\n\n")
        XCTAssertTrue(step.stdout.contains("42"), step.stdout)
        XCTAssertTrue(step.stdout.contains("› 7"), step.stdout)
        XCTAssertEqual(try Ainb.run(["cache", "clear", out]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/.ainb-cache"))
    }

    func testAClassificationReportComesBackWithEveryNumber() throws {
        let folder = try TestSupport.temporaryFolder()
        let source = """
        ```ainb
        faces = emotion_faces(n: 12, classes: 5, seed: 3)
        report = classification_report(mlp([1, 48, 48], 5, hidden: [2]), faces)
        ```

        ```ainb
        report.f1, report.accuracy
        ```
        """
        let first = try run(source, in: folder)
        XCTAssertEqual(first.warnings, [])
        XCTAssertEqual(first.run.results.map(\.status), [.ran, .ran])
        let edited = source.replacingOccurrences(of: "report.f1, report.accuracy", with: "report.precision, report.recall, report")
        let second = try run(edited, in: folder)
        XCTAssertEqual(second.fromCache, [1])
        XCTAssertEqual(second.report, try uncached(edited))
    }
}
