import Files
import Foundation
import Neural
import Script
import Tensor

/// The cell cache's storage: entries named by a cell's key, and content-addressed blobs and
/// tensors they refer to, in one folder (`DIR/.ainb-cache/` by default). The layout and
/// formats are described in docs/cache.md.
///
/// Every file is written atomically, blobs before the entries that name them; every read is
/// checked against the hash in the file or its name, so a corrupt or truncated file is a miss
/// (with a warning), never a wrong result.
public final class CellCache {
    /// The cache folder.
    public let directory: URL
    /// The ainb version: part of every key.
    public let version: String
    /// Where warnings go (a corrupt entry, a cell that cannot be stored).
    public var warn: (String) -> Void
    /// Fingerprints of files already hashed in this process, by path, size and time.
    private var fingerprints: [String: (stamp: String, fingerprint: String)] = [:]
    /// Hashes of the tensors of the last state stored, by the address of their scalars. Each
    /// entry holds on to its scalars, so that buffer cannot change: a copy-on-write array
    /// that is shared is copied before anyone writes to it. A model whose weights did not
    /// change since the last cell is not hashed again.
    private var tensorHashes: [UnsafeRawPointer: (scalars: [Float], shape: [Int], hash: String)] = [:]

    /// The default folder for reports written to `output`.
    public static func defaultDirectory(output: String) -> URL {
        URL(fileURLWithPath: output).appendingPathComponent(".ainb-cache")
    }

    /// A cache in `directory` for this `version` of ainb.
    public init(directory: URL, version: String, warn: @escaping (String) -> Void = { _ in }) {
        self.directory = directory
        self.version = version
        self.warn = warn
    }

    var entries: URL { directory.appendingPathComponent("entries") }
    var blobs: URL { directory.appendingPathComponent("blobs") }
    var tensorsFolder: URL { directory.appendingPathComponent("tensors") }

    // MARK: keys

    /// The hex SHA-256 of `parts`, each preceded by its length so that no two lists collide.
    public static func key(_ parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            let bytes = Array(part.utf8)
            hasher.update("\(bytes.count):")
            hasher.update(bytes)
        }
        return SHA256.hex(hasher.finish())
    }

    /// What a path holds, as a string that changes whenever its contents do: `absent`,
    /// `file:` and the SHA-256 of the bytes, or `folder:` and a hash of its files.
    public func fingerprint(_ path: String) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return "absent" }
        if isFolder.boolValue {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            return "folder:" + Self.key(names.flatMap { [$0, fingerprint(path + "/" + $0)] })
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
        let time = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let stamp = "\(size) \(time)"
        if let known = fingerprints[path], known.stamp == stamp { return known.fingerprint }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) else { return "unreadable" }
        var hasher = SHA256()
        data.withUnsafeBytes { hasher.update($0) }
        let result = "file:" + SHA256.hex(hasher.finish())
        fingerprints[path] = (stamp, result)
        return result
    }

    // MARK: entries

    /// The entry stored under `key`, nil when there is none or it is damaged (then with a warning).
    func entry(_ key: String) -> CacheEntry? {
        let url = entries.appendingPathComponent(key)
        guard let data = try? Data(contentsOf: url) else { return nil }
        guard let newline = data.firstIndex(of: 0x0A) else {
            warn("cache entry \(key.prefix(12)) is damaged (no checksum line); running the cell")
            return nil
        }
        let checksum = String(decoding: data[data.startIndex..<newline], as: UTF8.self)
        let body = data[data.index(after: newline)...]
        guard SHA256.hex(SHA256.hash(Array(body))) == checksum else {
            warn("cache entry \(key.prefix(12)) is damaged (checksum mismatch); running the cell")
            return nil
        }
        do {
            let entry = try JSONDecoder().decode(CacheEntry.self, from: Data(body))
            guard entry.format == CacheEntry.currentFormat, entry.key == key else { return nil }
            return entry
        } catch {
            warn("cache entry \(key.prefix(12)) cannot be read (\(error)); running the cell")
            return nil
        }
    }

    /// Writes an entry (after the blobs it names).
    func store(_ entry: CacheEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = Array(try encoder.encode(entry))
        let bytes = Array((SHA256.hex(SHA256.hash(body)) + "\n").utf8) + body
        try write(bytes, to: entries.appendingPathComponent(entry.key))
    }

    // MARK: blobs

    /// Stores bytes under their hash (once); returns the hash.
    func storeBlob(_ bytes: [UInt8]) throws -> String {
        let hash = SHA256.hex(SHA256.hash(bytes))
        let url = blobs.appendingPathComponent(hash)
        if !FileManager.default.fileExists(atPath: url.path) { try write(bytes, to: url) }
        return hash
    }

    /// The bytes stored under `hash`, checked.
    func blob(_ hash: String) throws -> [UInt8] {
        let url = blobs.appendingPathComponent(hash)
        guard let data = try? Data(contentsOf: url) else { throw CacheError("blob \(hash.prefix(12)) is missing") }
        let bytes = [UInt8](data)
        guard SHA256.hex(SHA256.hash(bytes)) == hash else { throw CacheError("blob \(hash.prefix(12)) is damaged") }
        return bytes
    }

    /// The content hash of a tensor: its shape and its float32 bytes.
    static func tensorHash(_ t: Tensor) -> String {
        var hasher = SHA256()
        hasher.update(t.shape.map(String.init).joined(separator: ",") + "\n")
        t.scalars.withUnsafeBytes { hasher.update($0) }
        return SHA256.hex(hasher.finish())
    }

    /// Stores a tensor as a one-tensor safetensors file named by its content hash (once).
    func storeTensor(_ t: Tensor) throws -> String {
        let hash = Self.tensorHash(t)
        let url = tensorsFolder.appendingPathComponent(hash + ".safetensors")
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: tensorsFolder, withIntermediateDirectories: true)
            try Safetensors.save([("tensor", t)], to: url)
        }
        return hash
    }

    /// The tensor stored under `hash`, checked.
    func tensor(_ hash: String) throws -> Tensor {
        let url = tensorsFolder.appendingPathComponent(hash + ".safetensors")
        let loaded: [(String, Tensor)]
        do { loaded = try Safetensors.load(from: url).tensors } catch {
            throw CacheError("tensor \(hash.prefix(12)) cannot be read: \(error)")
        }
        guard loaded.count == 1, Self.tensorHash(loaded[0].1) == hash else { throw CacheError("tensor \(hash.prefix(12)) is damaged") }
        return loaded[0].1
    }

    private func write(_ bytes: [UInt8], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(to: url) { sink in try sink.write(bytes) }
    }

    // MARK: states

    /// Stores a session state: its manifest as a blob, its tensors one by one.
    func store(_ state: SessionState) throws -> StoredState {
        var seen: [UnsafeRawPointer: (scalars: [Float], shape: [Int], hash: String)] = [:]
        var hashes: [String] = []
        for t in state.tensors {
            let scalars = t.scalars
            guard let address = scalars.withUnsafeBufferPointer({ $0.baseAddress.map(UnsafeRawPointer.init) }) else {
                hashes.append(try storeTensor(t))
                continue
            }
            if let known = seen[address] ?? tensorHashes[address], known.shape == t.shape, known.scalars.count == scalars.count {
                seen[address] = known
                hashes.append(known.hash)
                continue
            }
            let hash = try storeTensor(t)
            seen[address] = (scalars, t.shape, hash)
            hashes.append(hash)
        }
        tensorHashes = seen
        return StoredState(manifest: try storeBlob(state.manifest), tensors: hashes)
    }

    /// Reads a stored session state back, checked.
    func state(_ stored: StoredState) throws -> SessionState {
        SessionState(manifest: try blob(stored.manifest), tensors: try stored.tensors.map { try tensor($0) })
    }

    // MARK: info and clear

    /// What the cache holds.
    public func info() -> CacheInfo {
        var info = CacheInfo(directory: directory.path)
        let fm = FileManager.default
        func files(_ url: URL) -> [URL] {
            ((try? fm.contentsOfDirectory(at: url, includingPropertiesForKeys: [.fileSizeKey])) ?? []).filter { !$0.lastPathComponent.hasPrefix(".") }
        }
        func size(_ url: URL) -> Int { (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0 }
        var byNotebook: [String: Int] = [:]
        for url in files(entries) {
            info.entries += 1
            info.bytes += size(url)
            if let entry = entry(url.lastPathComponent) { byNotebook[entry.notebook, default: 0] += 1 } else { info.damaged += 1 }
        }
        for url in files(blobs) { info.blobs += 1; info.bytes += size(url) }
        for url in files(tensorsFolder) { info.tensors += 1; info.bytes += size(url) }
        info.notebooks = byNotebook.sorted { $0.key < $1.key }.map { (name: $0.key, entries: $0.value) }
        return info
    }

    /// Removes every entry, blob and tensor.
    public func clear() throws {
        guard FileManager.default.fileExists(atPath: directory.path) else { return }
        try FileManager.default.removeItem(at: directory)
    }
}

/// A summary of a cache folder, for `ainb cache info`.
public struct CacheInfo: Equatable {
    /// The cache folder.
    public var directory: String
    /// Cell entries, blobs (outputs, manifests, files) and tensors.
    public var entries = 0, blobs = 0, tensors = 0
    /// Entries that fail their checksum.
    public var damaged = 0
    /// Bytes of all three.
    public var bytes = 0
    /// Entries per notebook name.
    public var notebooks: [(name: String, entries: Int)] = []

    public static func == (a: CacheInfo, b: CacheInfo) -> Bool {
        a.directory == b.directory && a.entries == b.entries && a.blobs == b.blobs && a.tensors == b.tensors
            && a.damaged == b.damaged && a.bytes == b.bytes && a.notebooks.map(\.name) == b.notebooks.map(\.name)
            && a.notebooks.map(\.entries) == b.notebooks.map(\.entries)
    }

    /// The summary as lines of text.
    public var text: String {
        var lines = ["cache: \(directory)",
                     "entries: \(entries)\(damaged > 0 ? " (\(damaged) damaged)" : ""), blobs: \(blobs), tensors: \(tensors)",
                     "size: \(String(format: "%.1f", Double(bytes) / 1_048_576)) MiB"]
        for (name, count) in notebooks { lines.append("  \(name): \(count) cell\(count == 1 ? "" : "s")") }
        return lines.joined(separator: "\n")
    }
}

/// A cache file that is missing or damaged.
struct CacheError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// MARK: the entry format (docs/cache.md)

/// What the cache keeps of one run of one cell.
struct CacheEntry: Codable {
    static let currentFormat = 1
    var format = CacheEntry.currentFormat
    /// The key the entry is stored under: code, options, previous key, params, version.
    var key: String
    /// The key the next cell chains on: `key` and the fingerprints of the files read.
    var chained: String
    /// The notebook's name and the cell's number (for `ainb cache info`).
    var notebook: String
    var cell: Int
    /// The files the cell read, with their fingerprints when it ran.
    var reads: [FileStamp]
    /// The files the cell wrote, each with the blob of its bytes.
    var writes: [FileStamp]
    /// ran, failedAsExpected.
    var status: String
    var failure: StoredFailure?
    var outputs: [StoredItem]
    /// The metrics the cell recorded, and every metric of the session after it.
    var metrics: [StoredNumber]
    var sessionMetrics: [StoredNumber]
    /// The session's variables after the cell, when they could be stored.
    var state: StoredState?
}

/// A path and a fingerprint (reads) or blob hash (writes).
struct FileStamp: Codable, Equatable {
    var path: String
    var hash: String
}

/// A session state: the manifest's blob and the tensors' hashes in order.
struct StoredState: Codable {
    var manifest: String
    var tensors: [String]
}

/// A name and the bits of a Double.
struct StoredNumber: Codable {
    var name: String
    var bits: UInt64
}

struct StoredFailure: Codable {
    var message: String
    var line: Int?
    var column: Int?
    var description: String
}

/// A display item; images as the blob of their PNG bytes.
enum StoredItem: Codable {
    case text(String)
    case table(headers: [String], rows: [[String]])
    case image(png: String, caption: String)
    case progress(String)
    case timed(String, seconds: UInt64)
}
