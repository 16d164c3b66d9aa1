import Files
import Foundation
import Tensor

/// What goes wrong reading or writing a checkpoint.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file is shorter than its header says, or not a safetensors file.
    case corrupt(String)
    /// A tensor's shape differs from the model's.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// Names the model has that the file lacks, or the other way round.
    case namesMismatch(missing: [String], unexpected: [String])
    /// The file system refused.
    case io(String)

    public var description: String {
        switch self {
        case let .corrupt(message): return "corrupt checkpoint: \(message)"
        case let .shapeMismatch(name, expected, found):
            return "checkpoint tensor '\(name)' has shape \(Shape.describe(found)), the model needs \(Shape.describe(expected))"
        case let .namesMismatch(missing, unexpected):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.prefix(5).joined(separator: ", "))\(missing.count > 5 ? " and \(missing.count - 5) more" : "")") }
            if !unexpected.isEmpty { parts.append("unexpected \(unexpected.prefix(5).joined(separator: ", "))\(unexpected.count > 5 ? " and \(unexpected.count - 5) more" : "")") }
            return "checkpoint names do not match the model: " + parts.joined(separator: "; ")
        case let .io(message): return message
        }
    }
}

/// The safetensors format: an 8-byte little-endian header length, a JSON header
/// mapping each name to `dtype`, `shape` and `data_offsets` (plus an optional
/// `__metadata__` of strings), then the raw little-endian data.
public enum Safetensors {
    /// The bytes of a safetensors file holding `tensors` (F32) in the given order.
    static func header(_ tensors: [(String, Tensor)], metadata: [String: String]) -> [UInt8] {
        var entries: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(JSONText.quoted($0)):\(JSONText.quoted(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(items.joined(separator: ","))}")
        }
        var offset = 0
        for (name, t) in tensors {
            let end = offset + t.count * 4
            entries.append("\(JSONText.quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var json = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        return json
    }

    /// Writes `tensors` atomically to `url` (temporary file, then rename).
    public static func save(_ tensors: [(String, Tensor)], to url: URL, metadata: [String: String] = [:]) throws {
        var seen = Set<String>()
        for (name, _) in tensors where !seen.insert(name).inserted {
            throw CheckpointError.io("two tensors are named '\(name)'")
        }
        let json = header(tensors, metadata: metadata)
        do {
            try AtomicFile.write(to: url) { sink in
                var length = UInt64(json.count).littleEndian
                try sink.write(withUnsafeBytes(of: &length) { Array($0) })
                try sink.write(json)
                for (_, t) in tensors { try sink.write(floats: t.scalars) }
            }
        } catch let error as AtomicFileError {
            throw CheckpointError.io(error.description)
        }
    }

    /// Reads every tensor (in file order) and the metadata of a safetensors file.
    public static func load(from url: URL) throws -> (tensors: [(String, Tensor)], metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw CheckpointError.io("cannot read \(url.path): \(error.localizedDescription)")
        }
        return try parse(data, source: url.lastPathComponent)
    }

    /// Parses safetensors bytes; `source` names them in errors.
    public static func parse(_ data: Data, source: String = "data") throws -> (tensors: [(String, Tensor)], metadata: [String: String]) {
        guard data.count >= 8 else { throw CheckpointError.corrupt("\(source) has \(data.count) bytes, fewer than the 8-byte header length") }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        guard length <= UInt64(data.count - 8) else {
            throw CheckpointError.corrupt("\(source): the header claims \(length) bytes but only \(data.count - 8) follow (truncated?)")
        }
        let headerEnd = 8 + Int(length)
        let headerData = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + headerEnd))
        guard let object = try? JSONSerialization.jsonObject(with: headerData), let header = object as? [String: Any] else {
            throw CheckpointError.corrupt("\(source): the header is not a JSON object")
        }
        let body = data.count - headerEnd
        var metadata: [String: String] = [:]
        var entries: [(name: String, shape: [Int], start: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else { throw CheckpointError.corrupt("\(source): __metadata__ must map strings to strings") }
                metadata = m
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (info["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2 else {
                throw CheckpointError.corrupt("\(source): tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" else { throw CheckpointError.corrupt("\(source): tensor '\(name)' is \(dtype); only F32 is supported") }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[1] >= offsets[0] else {
                throw CheckpointError.corrupt("\(source): tensor '\(name)' has an invalid shape or offsets")
            }
            guard offsets[1] - offsets[0] == Shape.count(shape) * 4 else {
                throw CheckpointError.corrupt("\(source): tensor '\(name)' of shape \(Shape.describe(shape)) has \(offsets[1] - offsets[0]) bytes")
            }
            guard offsets[1] <= body else {
                throw CheckpointError.corrupt("\(source): tensor '\(name)' ends at byte \(offsets[1]) of a \(body)-byte body (truncated?)")
            }
            entries.append((name, shape, offsets[0], offsets[1]))
        }
        entries.sort { ($0.start, $0.name) < ($1.start, $1.name) }
        let tensors = try entries.map { e -> (String, Tensor) in
            let count = (e.end - e.start) / 4
            var scalars = [Float](repeating: 0, count: count)
            scalars.withUnsafeMutableBytes { dst in
                data.copyBytes(to: dst, from: (data.startIndex + headerEnd + e.start)..<(data.startIndex + headerEnd + e.end))
            }
            return (e.name, try Tensor(shape: e.shape, scalars: scalars))
        }
        return (tensors, metadata)
    }

}

extension Layer {
    /// Saves the state dict as a safetensors checkpoint, atomically.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.save(stateDict(), to: url, metadata: metadata)
    }

    /// Loads a safetensors checkpoint written for this architecture.
    public func load(from url: URL, strict: Bool = true) throws {
        try loadStateDict(Safetensors.load(from: url).tensors, strict: strict)
    }
}
