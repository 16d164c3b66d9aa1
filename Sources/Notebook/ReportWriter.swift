import Files
import Foundation

/// The formats a report is written in.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// `NAME.md` with its figures in `NAME-assets/`.
    case md
    /// `NAME.html`, one file with its figures inlined.
    case html
}

/// Writes a report into a folder atomically: `NAME.md`, `NAME-assets/*.png`, `NAME.html`
/// (for the formats asked for) and `NAME.metrics.json` appear together or not at all.
///
/// Everything is first written into a hidden temporary folder next to the report; only
/// then is each file renamed into place (renames within one file system are atomic). If
/// anything fails, the renames done so far are undone, so the previous report stays whole.
/// Figures of the previous report are removed only once the new report is in place.
public struct ReportWriter {
    /// Called with each file's path just before it is written; if it throws, the write
    /// is abandoned and the previous report stays in place (lets callers and tests stop a
    /// write halfway).
    public var willWriteFile: ((String) throws -> Void)?

    /// Creates a writer.
    public init(willWriteFile: ((String) throws -> Void)? = nil) {
        self.willWriteFile = willWriteFile
    }

    /// The prefix of the temporary folders a write of `name` uses inside the report folder.
    public static func temporaryPrefix(_ name: String) -> String { ".\(name).ainb-tmp-" }

    /// Writes `report` into `directory` (created if needed) in each of `formats`; the
    /// files of other formats already there are left alone.
    public func write(_ report: Report, to directory: String, formats: [ReportFormat] = [.md]) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        removeLeftovers(of: report.name, in: directory)
        let temp = (directory as NSString).appendingPathComponent(
            Self.temporaryPrefix(report.name) + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try fm.createDirectory(atPath: temp, withIntermediateDirectories: false)
        defer { try? fm.removeItem(atPath: temp) }

        let staged = (temp as NSString).appendingPathComponent("new")
        let previous = (temp as NSString).appendingPathComponent("old")
        try fm.createDirectory(atPath: staged, withIntermediateDirectories: false)
        try fm.createDirectory(atPath: previous, withIntermediateDirectories: false)

        // 1. Stage every file.
        let md = "\(report.name).md"
        let html = "\(report.name).html"
        let metrics = "\(report.name).metrics.json"
        let assets = report.assetsFolder
        let writesMarkdown = formats.contains(.md)
        if writesMarkdown && !report.assets.isEmpty {
            let folder = (staged as NSString).appendingPathComponent(assets)
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: false)
            for asset in report.assets {
                try writeFile((folder as NSString).appendingPathComponent(asset.name), asset.png)
            }
        }
        try writeFile((staged as NSString).appendingPathComponent(metrics), Array(report.metricsJSON.utf8))
        if formats.contains(.html) {
            try writeFile((staged as NSString).appendingPathComponent(html), Array(HTMLReport.html(report).utf8))
        }
        if writesMarkdown {
            try writeFile((staged as NSString).appendingPathComponent(md), Array(report.markdown.utf8))
        }

        // 2. Swap them in, markdown last; undo on failure.
        var done: [(name: String, hadOld: Bool, hasNew: Bool)] = []
        let names = (writesMarkdown ? [assets, metrics] : [metrics]) + (formats.contains(.html) ? [html] : []) + (writesMarkdown ? [md] : [])
        do {
            for name in names {
                let target = (directory as NSString).appendingPathComponent(name)
                let new = (staged as NSString).appendingPathComponent(name)
                let hasNew = fm.fileExists(atPath: new)
                let hadOld = exists(target)
                if hadOld { try rename(target, (previous as NSString).appendingPathComponent(name)) }
                done.append((name, hadOld, false))
                if hasNew {
                    try rename(new, target)
                    done[done.count - 1].hasNew = true
                }
            }
        } catch {
            for step in done.reversed() {
                let target = (directory as NSString).appendingPathComponent(step.name)
                if step.hasNew { try? FileManager.default.removeItem(atPath: target) }
                if step.hadOld { try? rename((previous as NSString).appendingPathComponent(step.name), target) }
            }
            throw error
        }
    }

    private func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        try willWriteFile?(path)
        do {
            try AtomicFile.write(bytes, to: path)
        } catch let error as AtomicFileError {
            throw ReportWriteError(message: error.description)
        }
    }

    private func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private func rename(_ from: String, _ to: String) throws {
        if Foundation.rename(from, to) != 0 {
            throw ReportWriteError(message: "cannot move \(from) to \(to): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes temporary folders left by an earlier write of the same report that was killed.
    private func removeLeftovers(of name: String, in directory: String) {
        let prefix = Self.temporaryPrefix(name)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(entry))
        }
    }
}

/// A report could not be written.
public struct ReportWriteError: Error, CustomStringConvertible {
    /// What failed.
    public var message: String
    /// Creates the error.
    public init(message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
