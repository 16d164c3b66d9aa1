/// What running code shows: the rich forms the notebook runner writes into reports
/// and the REPL prints.
public enum DisplayItem: Equatable, Sendable {
    /// Text: printed output or a value's text form, shown in a plain fence.
    case text(String)
    /// A table, shown as a markdown table in reports and aligned columns in a terminal.
    case table(headers: [String], rows: [[String]])
    /// A figure: PNG bytes and a caption.
    case image(png: [UInt8], caption: String)
    /// A live status line (a training progress bar): redrawn in place on a terminal,
    /// never kept in a report.
    case progress(String)
    /// A line followed by how long something took: a terminal shows the time, a report
    /// leaves it out so that re-runs stay byte-identical.
    case timed(String, seconds: Double)
}
