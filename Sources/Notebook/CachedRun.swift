import Files
import Foundation
import Script

/// Where the cell cache stands in one run of a notebook.
struct CacheProgress {
    /// The key the next cell chains on (nil before the first cell).
    var chain: String?
    /// Why nothing more is looked up or stored in this run, once something made the chain
    /// unknowable (a cell that calls `clock()`, a failed cell).
    var broken: String?
    /// The cells taken from the cache since the evaluator last ran one: its state is the
    /// state before the first of them.
    var replay: [(cell: Cell, entry: CacheEntry)] = []
    /// Every metric after the last cell taken from the cache (nil once a cell runs).
    var sessionMetrics: [(name: String, value: Double)]?
    /// Whether the run already said that a state could not be stored.
    var warnedUnstorable = false
    /// The numbers of the cells taken from the cache, in order.
    var hits: [Int] = []
}

extension NotebookRun {
    /// Runs a cell through the cache: a hit replays its outputs and leaves the evaluator
    /// alone; a miss first brings the evaluator up to date (from the latest stored state,
    /// re-running the cells after it), then runs the cell and stores it.
    func runCached(_ cell: Cell, in cache: CellCache) -> CellResult {
        guard let session = (evaluator as? ScriptEvaluator)?.session else { return runLive(cell) }
        if cacheProgress.chain == nil {
            cacheProgress.chain = CellCache.key(["ainb cell cache", cache.version] + params.map { "\($0.name)=\($0.value.literal)" })
        }
        guard cell.options.eval else { return runLive(cell) }
        guard cacheProgress.broken == nil, let chain = cacheProgress.chain else { return runLive(cell) }
        let key = CellCache.key([chain, Self.optionsText(cell.options), cell.code])
        if let entry = cache.entry(key), let result = replay(entry, cell, cache) {
            cacheProgress.chain = entry.chained
            cacheProgress.replay.append((cell, entry))
            cacheProgress.hits.append(cell.index)
            cacheProgress.sessionMetrics = entry.sessionMetrics.map { ($0.name, Double(bitPattern: $0.bits)) }
            return result
        }
        catchUp(session, cache)
        let (result, log) = session.recordingAccess { runLive(cell) }
        cacheProgress.sessionMetrics = nil
        if cell.options.cache == false {
            cacheProgress.broken = "cell \(cell.index) is marked cache=false"
            return result
        }
        guard result.status != .failed else {
            cacheProgress.broken = "cell \(cell.index) failed"
            return result
        }
        if !log.impure.isEmpty && cell.options.cache != true {
            let calls = log.impure.map { "\($0)()" }.joined(separator: ", ")
            cache.warn("\(notebook.name): cell \(cell.index) calls \(calls), so it is not cached and the cells after it run every time (mark it cache=true to cache it)")
            cacheProgress.broken = "cell \(cell.index) calls \(calls)"
            return result
        }
        do {
            cacheProgress.chain = try store(result, key: key, log: log, session: session, cache: cache)
        } catch {
            cache.warn("\(notebook.name): cell \(cell.index) could not be stored in the cache: \(error)")
            cacheProgress.broken = "cell \(cell.index) could not be stored"
        }
        return result
    }

    /// The numbers of the cells taken from the cache so far, in order.
    public var cellsFromCache: [Int] { cacheProgress.hits }

    /// Brings the evaluator to the state after the last cell run or taken from the cache
    /// (the REPL does this after loading a notebook through the cache).
    public func catchUpWithCache() {
        guard let cache, let session = (evaluator as? ScriptEvaluator)?.session else { return }
        catchUp(session, cache)
        cacheProgress.sessionMetrics = nil
    }

    /// Takes no more cells from the cache and stores none: the session's state now holds
    /// what the cache cannot know (statements typed at the REPL in step mode).
    public func stopCaching(because reason: String) {
        catchUpWithCache()
        cacheProgress.broken = reason
    }

    /// The options as part of a key.
    static func optionsText(_ o: CellOptions) -> String {
        "echo=\(o.echo) output=\(o.output) eval=\(o.eval) error=\(o.error) cache=\(o.cache.map(String.init) ?? "auto")"
    }

    /// The cell's result from `entry`, its events sent and written files put back; nil when
    /// an input file changed or part of the entry is damaged.
    private func replay(_ entry: CacheEntry, _ cell: Cell, _ cache: CellCache) -> CellResult? {
        for read in entry.reads where cache.fingerprint(read.path) != read.hash { return nil }
        var outputs: [DisplayItem] = []
        var files: [(String, [UInt8])] = []
        do {
            for item in entry.outputs {
                switch item {
                case .text(let s): outputs.append(.text(s))
                case .table(let headers, let rows): outputs.append(.table(headers: headers, rows: rows))
                case .image(let png, let caption): outputs.append(.image(png: try cache.blob(png), caption: caption))
                case .progress(let s): outputs.append(.progress(s))
                case .timed(let s, let bits): outputs.append(.timed(s, seconds: Double(bitPattern: bits)))
                }
            }
            for write in entry.writes where cache.fingerprint(write.path) != "file:" + write.hash {
                files.append((write.path, try cache.blob(write.hash)))
            }
        } catch {
            cache.warn("\(notebook.name): cell \(cell.index): \(error); running the cell")
            return nil
        }
        for (path, bytes) in files {
            do {
                let url = URL(fileURLWithPath: path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(to: url) { sink in try sink.write(bytes) }
            } catch {
                cache.warn("\(notebook.name): cell \(cell.index): cannot put back \(path) (\(error)); running the cell")
                return nil
            }
        }
        var result = CellResult(cell: cell, status: entry.status == "failedAsExpected" ? .failedAsExpected : .ran, outputs: outputs)
        result.failure = entry.failure.map { CellFailure(message: $0.message, line: $0.line, column: $0.column, description: $0.description) }
        result.metrics = entry.metrics.map { Metric(name: $0.name, value: Double(bitPattern: $0.bits)) }
        record(result, shown: outputs)
        return result
    }

    /// Brings the evaluator to the state after the last cell taken from the cache: restores
    /// the latest stored state among those cells, then runs the ones after it (quietly).
    private func catchUp(_ session: Session, _ cache: CellCache) {
        let pending = cacheProgress.replay
        cacheProgress.replay = []
        guard !pending.isEmpty else { return }
        var start = 0
        for j in pending.indices.reversed() {
            guard let stored = pending[j].entry.state else { continue }
            do {
                try session.restoreState(try cache.state(stored))
                start = j + 1
                break
            } catch {
                cache.warn("\(notebook.name): the stored state after cell \(pending[j].cell.index) cannot be used (\(error)); running earlier cells again")
            }
        }
        let previous = evaluator.output
        evaluator.output = { _ in }
        defer { evaluator.output = previous }
        for (cell, entry) in pending[start...] {
            do {
                _ = try evaluator.evaluate(cell.code, file: notebook.path, line: cell.codeLine)
            } catch where entry.status == "failedAsExpected" {
            } catch {
                cache.warn("\(notebook.name): cell \(cell.index) failed when run again to rebuild the state: \(error)")
            }
        }
    }

    /// Stores a cell that ran; returns the key the next cell chains on.
    private func store(_ result: CellResult, key: String, log: AccessLog, session: Session, cache: CellCache) throws -> String {
        var state: StoredState?
        do {
            state = try cache.store(try session.captureState())
        } catch let error as UnstorableValue {
            if !cacheProgress.warnedUnstorable {
                cache.warn("\(notebook.name): cell \(result.cell.index): \(error); its outputs are cached, and when a later cell changes the cells from the last stored state run again")
                cacheProgress.warnedUnstorable = true
            }
        }
        let reads = log.reads.map { FileStamp(path: $0, hash: cache.fingerprint($0)) }
        var writes: [FileStamp] = []
        for path in log.writes {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            let files = isFolder.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                writes.append(FileStamp(path: file, hash: try cache.storeBlob([UInt8](data))))
            }
        }
        if !writes.isEmpty {
            // Writing files is a side effect: said, and kept so that a hit writes them again.
            let names = writes.map { ($0.path as NSString).lastPathComponent }
            let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
            cache.warn("\(notebook.name): cell \(result.cell.index) writes \(shown); the cache keeps a copy and writes it again when the cell is taken from the cache")
        }
        let outputs: [StoredItem] = try result.outputs.map { item in
            switch item {
            case .text(let s): return .text(s)
            case .table(let headers, let rows): return .table(headers: headers, rows: rows)
            case .image(let png, let caption): return .image(png: try cache.storeBlob(png), caption: caption)
            case .progress(let s): return .progress(s)
            case .timed(let s, let seconds): return .timed(s, seconds: seconds.bitPattern)
            }
        }
        let chained = CellCache.key([key] + reads.flatMap { [$0.path, $0.hash] })
        let entry = CacheEntry(
            key: key, chained: chained, notebook: notebook.name, cell: result.cell.index, reads: reads, writes: writes,
            status: result.status == .failedAsExpected ? "failedAsExpected" : "ran",
            failure: result.failure.map { StoredFailure(message: $0.message, line: $0.line, column: $0.column, description: $0.description) },
            outputs: outputs, metrics: result.metrics.map { StoredNumber(name: $0.name, bits: $0.value.bitPattern) },
            sessionMetrics: session.metrics.map { StoredNumber(name: $0.name, bits: $0.value.bitPattern) }, state: state)
        try cache.store(entry)
        return chained
    }
}
