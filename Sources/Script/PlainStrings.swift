/// `s[i]`, `s[a:b]` and `len(s)` of a string in O(1) (or in the length of the slice) when its
/// characters are its bytes.
///
/// A Swift `String` finds its i-th character by walking from the start (characters are
/// grapheme clusters of varying length), so `s[i]` in a loop over a string was O(n) per read
/// and O(n²) in all: a dynamic program over two 300-letter strings took a second (and `len(s)`
/// of a million-letter string 2 ms). A string of ASCII bytes other than the carriage return
/// (which Swift joins with a following line feed into one character) has one character per
/// byte, and its i-th character is its i-th byte.
///
/// Whether a string is such a string takes a scan of its bytes; this remembers the answer for
/// the last few long strings read, by the address of their bytes, and keeps them alive so the
/// address cannot be reused. Short strings are scanned each time.
final class PlainStrings {
    /// Strings up to this many bytes are scanned rather than remembered.
    static let scanned = 64
    /// The strings remembered (kept alive), where their bytes are, and the answer.
    private var seen: [(string: String, address: UnsafeRawPointer, plain: Bool)] = []
    private var next = 0
    /// Every ASCII character as a value, made once.
    static let characters: [Value] = (0..<128).map { .string(String(UnicodeScalar(UInt8($0)))) }

    /// The character at position `n` (negative from the end), or nil when the string is not
    /// one byte per character or `n` is not a position in it (the general path then answers,
    /// errors included).
    @inline(__always)
    func character(_ s: String, _ n: Double) -> Value? {
        byte(s, n).map { PlainStrings.characters[Int($0)] }
    }

    /// The byte of the character at position `n`, under the same conditions as `character`.
    @inline(__always)
    func byte(_ s: String, _ n: Double) -> UInt8? {
        s.utf8.withContiguousStorageIfAvailable { bytes -> UInt8? in
            guard let k = Compiler.position(n, count: bytes.count), isPlain(s, bytes) else { return nil }
            return bytes[k]
        } ?? nil
    }

    /// The number of characters, in O(1) for a long string seen before that is one byte per
    /// character (Swift counts characters by walking the whole string).
    func count(_ s: String) -> Int {
        let bytes = s.utf8.withContiguousStorageIfAvailable { bytes -> Int? in isPlain(s, bytes) ? bytes.count : nil } ?? nil
        return bytes ?? s.count
    }

    /// `s[a:b:step]` taken from the bytes of a string that is one byte per character, or nil.
    func slice(_ s: String, _ a: Value?, _ b: Value?, _ step: Value?) throws -> Value? {
        try s.utf8.withContiguousStorageIfAvailable { bytes -> Value? in
            guard isPlain(s, bytes) else { return nil }
            let (start, end, by) = try Ops.sliceBounds(a, b, step, count: bytes.count)
            if by == 1 {
                return .string(start >= end ? "" : String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
            }
            return .string(String(decoding: stride(from: start, to: end, by: by).map { bytes[$0] }, as: UTF8.self))
        } ?? nil
    }

    /// The memo of the runtime running on this thread, for builtins and operators without it at hand.
    static var current: PlainStrings? { Runtime.running.value?.plainStrings }

    /// The number of characters of `s` (`len(s)`, `s.count`), through the running runtime's memo.
    static func count(of s: String) -> Int { current?.count(s) ?? s.count }

    private func isPlain(_ s: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count > PlainStrings.scanned, let base = bytes.baseAddress else { return PlainStrings.scan(bytes) }
        let address = UnsafeRawPointer(base)
        if let entry = seen.first(where: { $0.address == address }) { return entry.plain }
        let answer = PlainStrings.scan(bytes)
        if seen.count < 4 {
            seen.append((s, address, answer))
        } else {
            seen[next] = (s, address, answer)
            next = (next + 1) % 4
        }
        return answer
    }

    /// Whether every byte is ASCII and none is a carriage return.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var ok = true
        for b in bytes { ok = ok && b < 0x80 && b != 0x0D }
        return ok
    }
}
