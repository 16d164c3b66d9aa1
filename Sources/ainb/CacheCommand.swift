import ArgumentParser
import Foundation
import Notebook

/// `ainb cache info|clear [DIR] [--cache-dir PATH]`
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Show or empty the cell cache that `ainb run --cache` keeps.",
        discussion: """
        The cache of `ainb run NB -o DIR --cache` lives in DIR/.ainb-cache (or where \
        --cache-dir said). Its format is described in docs/cache.md.

        Examples:
          ainb cache info report/
          ainb cache clear report/
        """,
        subcommands: [Info.self, Clear.self])

    /// The folder arguments both subcommands take.
    struct Location: ParsableArguments {
        @Argument(help: ArgumentHelp("The report folder given to `ainb run -o` (default: the working directory).", valueName: "dir"))
        var folder: String?

        @Option(name: .customLong("cache-dir"), help: ArgumentHelp("The cache folder itself, as given to `ainb run --cache-dir`.", valueName: "path"))
        var cacheDir: String?

        var cache: CellCache {
            CellCache(directory: CacheLocation.directory(cacheDir: cacheDir, output: folder), version: CacheLocation.version)
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count the cache's entries, blobs and tensors, and its size.")
        @OptionGroup var location: Location
        func run() throws { writeOut(location.cache.info().text + "\n") }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove every cached cell.")
        @OptionGroup var location: Location
        func run() throws {
            let cache = location.cache
            try cache.clear()
            writeOut("cleared \(cache.directory.path)\n")
        }
    }
}

/// Where a cell cache lives: `--cache-dir`, else `.ainb-cache` in the report folder (or the
/// working directory).
enum CacheLocation {
    /// The version that keys the cache: ainb's, and the size and time of this executable, so
    /// that a rebuilt ainb (whose results may differ) never takes cells stored by another.
    static let version: String = {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        let time = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(AINB.version) build \(size)-\(time)"
    }()

    static func directory(cacheDir: String?, output: String?) -> URL {
        if let cacheDir { return URL(fileURLWithPath: cacheDir.expandingTilde) }
        return CellCache.defaultDirectory(output: (output ?? ".").expandingTilde)
    }
}
