import Foundation

/// One data line of a CSV file: its byte range (without the line break) and its row number.
struct CSVLine: Sendable {
    var start: Int
    var end: Int
    /// 1-based data row (the line number minus the header line).
    var row: Int
}

/// A CSV file's bytes split into a header and data lines, without copying values.
///
/// A UTF-8 byte-order mark and CRLF line breaks are accepted; blank lines are skipped
/// (they still count as rows, so row numbers match line numbers minus one).
/// Fields may be wrapped in double quotes (without embedded quotes or line breaks).
struct CSVTable {
    /// The file name used in errors.
    let file: String
    /// The whole file.
    let bytes: [UInt8]
    /// The header's column names, trimmed of spaces and quotes.
    let header: [String]
    /// The non-blank data lines.
    let lines: [CSVLine]

    /// Reads and splits the file at `path`; gzip files (`.csv.gz`) are inflated first.
    static func read(path: String) throws -> CSVTable {
        let name = (path as NSString).lastPathComponent
        var bytes = try readBytes(path: path, file: name)
        if Gzip.isGzip(bytes) {
            bytes = try Gzip.inflate(bytes, file: name)
        } else if name.lowercased().hasSuffix(".gz") {
            throw FacesError(file: name, "not a gzip file (it does not start with the gzip magic bytes 1f 8b)")
        }
        return try CSVTable(bytes: bytes, file: name)
    }

    /// Reads a whole file into memory.
    static func readBytes(path: String, file: String) throws -> [UInt8] {
        guard let handle = fopen(path, "rb") else {
            throw FacesError(file: file, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(handle) }
        guard fseek(handle, 0, SEEK_END) == 0 else { throw FacesError(file: file, "cannot seek in \(path)") }
        let size = ftell(handle)
        guard size >= 0, fseek(handle, 0, SEEK_SET) == 0 else { throw FacesError(file: file, "cannot size \(path)") }
        var readCount = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            if let base = buffer.baseAddress, size > 0 {
                readCount = fread(base, 1, size, handle)
            }
            count = readCount
        }
        guard readCount == size else { throw FacesError(file: file, "read \(readCount) of \(size) bytes of \(path)") }
        return bytes
    }

    /// Splits `bytes` into a header and lines; `file` names the data in errors.
    init(bytes: [UInt8], file: String) throws {
        self.file = file
        self.bytes = bytes
        var lines: [CSVLine] = []
        var header: [String]? = nil
        bytes.withUnsafeBufferPointer { p in
            let n = p.count
            var start = 0
            if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { start = 3 }
            var lineIndex = 0
            guard let base = p.baseAddress else { return }
            while start < n {
                let found = memchr(base + start, 0x0A, n - start)
                var end = found.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? n
                let next = end + 1
                if end > start && p[end - 1] == 0x0D { end -= 1 }
                if header == nil {
                    header = CSVTable.fieldRanges(p, start, end).map { CSVTable.text(p, $0) }
                } else {
                    var blank = true
                    var i = start
                    while i < end { if p[i] != 0x20 && p[i] != 0x09 { blank = false; break }; i += 1 }
                    if !blank { lines.append(CSVLine(start: start, end: end, row: lineIndex)) }
                }
                lineIndex += 1
                start = next
            }
        }
        guard let header, !(header.count == 1 && header[0].isEmpty) else {
            throw FacesError(file: file, "the file is empty, expected a header line")
        }
        self.header = header
        self.lines = lines
    }

    /// The index of the column named `name` (compared after trimming), if any.
    func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// The byte ranges of the fields of the line `start..<end`, with surrounding quotes removed.
    static func fieldRanges(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(32)
        var i = start
        while true {
            if i < end && p[i] == 0x22 {
                // Quoted field: up to the next quote.
                let s = i + 1
                var j = s
                while j < end && p[j] != 0x22 { j += 1 }
                ranges.append(s..<j)
                i = j + 1
                while i < end && p[i] != 0x2C { i += 1 }
            } else {
                let s = i
                if let base = p.baseAddress, i < end, let found = memchr(base + i, 0x2C, end - i) {
                    i = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                } else {
                    i = end
                }
                ranges.append(s..<i)
            }
            if i >= end { break }
            i += 1  // past the comma
            if i == end { ranges.append(end..<end); break }
        }
        return ranges
    }

    /// The bytes of `range` as a string, trimmed of spaces and tabs.
    static func text(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let r = trimmed(p, range)
        return String(decoding: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self)
    }

    /// `range` without leading and trailing spaces and tabs.
    static func trimmed(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var s = range.lowerBound, e = range.upperBound
        while s < e && (p[s] == 0x20 || p[s] == 0x09) { s += 1 }
        while e > s && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
        return s..<e
    }

    /// A short quotation of a field for error messages.
    static func quote(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let r = trimmed(p, range)
        let shown = r.count > 24 ? r.lowerBound..<(r.lowerBound + 24) : r
        let text = String(decoding: UnsafeBufferPointer(rebasing: p[shown]), as: UTF8.self)
        return "\"" + text + (r.count > 24 ? "…" : "") + "\""
    }

    /// Parses a decimal number (trimmed); nil when the text is not a complete number.
    static func parseDouble(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        let r = trimmed(p, range)
        guard !r.isEmpty, r.count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Double? in
            guard let b = buffer.baseAddress else { return nil }
            var k = 0
            for i in r { b[k] = CChar(bitPattern: p[i]); k += 1 }
            b[k] = 0
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(b, &endPointer)
            guard let endPointer, endPointer - b == k, value.isFinite else { return nil }
            return value
        }
    }

    /// Parses a non-negative or negative decimal integer (trimmed).
    static func parseInt(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        let r = trimmed(p, range)
        guard !r.isEmpty, r.count < 18 else { return nil }
        var i = r.lowerBound
        var negative = false
        if p[i] == 0x2D { negative = true; i += 1 } else if p[i] == 0x2B { i += 1 }
        guard i < r.upperBound else { return nil }
        var value = 0
        while i < r.upperBound {
            let d = Int(p[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            value = value * 10 + d
            i += 1
        }
        return negative ? -value : value
    }
}

/// The outcome of parsing a field of space-separated pixel values.
enum PixelParse {
    case ok
    /// The field held this many values instead of the expected count.
    case wrongCount(Int)
    /// Value number `index` (1-based) is not an integer.
    case notInteger(index: Int, text: String)
    /// Value number `index` (1-based) is outside 0-255.
    case outOfRange(index: Int, value: Int)

    /// The message for the column `column` expecting `expected` values.
    func message(column: String, expected: Int) -> String {
        switch self {
        case .ok: return ""
        case let .wrongCount(n): return "\(column) has \(n) values, expected \(expected)"
        case let .notInteger(i, text): return "\(column) value \(i) is \"\(text)\", expected an integer 0-255"
        case let .outOfRange(i, v): return "\(column) value \(i) is \(v), expected an integer 0-255"
        }
    }
}

/// Parses space-separated integers 0-255 from `range` into `out[0..<expected]`, scaled by `scale`.
func parsePixels(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: UnsafeMutablePointer<Float>,
                 expected: Int, scale: Float) -> PixelParse {
    var i = range.lowerBound
    let end = range.upperBound
    var count = 0
    while true {
        while i < end && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        if i >= end { break }
        let tokenStart = i
        var value = 0
        var digits = 0
        while i < end {
            let d = Int(p[i]) &- 48
            if d < 0 || d > 9 { break }
            value = value &* 10 &+ d
            digits += 1
            i += 1
        }
        if i < end && p[i] != 0x20 && p[i] != 0x09 || digits == 0 {
            // Trailing ".0" on an integer is fine (some tools write floats).
            var j = i
            if j < end && p[j] == 0x2E && digits > 0 {
                j += 1
                while j < end && p[j] == 0x30 { j += 1 }
                if j >= end || p[j] == 0x20 || p[j] == 0x09 { i = j }
            }
            if i < end && p[i] != 0x20 && p[i] != 0x09 || digits == 0 {
                var e = tokenStart
                while e < end && p[e] != 0x20 && p[e] != 0x09 { e += 1 }
                let text = String(decoding: UnsafeBufferPointer(rebasing: p[tokenStart..<min(e, tokenStart + 24)]), as: UTF8.self)
                return .notInteger(index: count + 1, text: text)
            }
        }
        if digits > 4 || value > 255 { return .outOfRange(index: count + 1, value: digits > 9 ? Int.max : value) }
        if count < expected { out[count] = Float(value) * scale }
        count += 1
    }
    return count == expected ? .ok : .wrongCount(count)
}
