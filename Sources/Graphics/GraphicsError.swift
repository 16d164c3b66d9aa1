/// What can go wrong when making pictures: bad sizes or data, or a file that cannot be written.
public enum GraphicsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A size or count that does not fit (says which and what was expected).
    case badSize(String)
    /// Data that cannot be drawn as asked (says why).
    case badData(String)
    /// A file that could not be written (path and the system's reason).
    case io(path: String, reason: String)
    /// zlib refused to compress (its status code).
    case compression(Int)

    public var description: String {
        switch self {
        case .badSize(let m): return m
        case .badData(let m): return m
        case .io(let path, let reason): return "cannot write \(path): \(reason)"
        case .compression(let code): return "zlib compression failed (status \(code))"
        }
    }
}
