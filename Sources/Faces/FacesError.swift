/// An error about face data: a file that cannot be read or a row that does not fit its layout.
///
/// Its description names the file, the row (data rows count from 1; the header is not a row)
/// and the column, and says what was expected, e.g.
/// `training.csv: row 812: Image has 9215 values, expected 9216`.
public struct FacesError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file's name (its last path component), or a label for in-memory data.
    public var file: String
    /// The 1-based data row, or nil for errors about the whole file (header, I/O).
    public var row: Int?
    /// What is wrong, naming the column where there is one.
    public var message: String

    /// An error about `file`, optionally at a data `row`.
    public init(file: String, row: Int? = nil, _ message: String) {
        self.file = file
        self.row = row
        self.message = message
    }

    public var description: String {
        if let row { return "\(file): row \(row): \(message)" }
        return "\(file): \(message)"
    }
}

/// An error about arguments given to a face-data function (not about a file).
public struct FacesArgumentError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What is wrong with the argument.
    public var message: String
    /// An error with a message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
