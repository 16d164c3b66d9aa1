/// A parsed `.ainb` notebook: front matter, prose and code cells, in file order.
///
/// The file is plain markdown. Fences whose info string starts with `ainb` are cells;
/// everything else, other fences included, is prose and is kept byte for byte.
public struct Notebook: Equatable, Sendable {
    /// The path the notebook was read from, as given (used in error positions).
    public var path: String
    /// The notebook's name: its file name without the `.ainb` extension.
    public var name: String
    /// The front matter's `title`, if any.
    public var title: String?
    /// The front matter's `params`, in the order written.
    public var params: [Param]
    /// The front matter's `cache: true|false`: whether `ainb run` uses the cell cache
    /// (nil: only with `--cache`).
    public var cache: Bool?
    /// Prose and cells in file order.
    public var blocks: [Block]

    /// Creates a notebook from its parts.
    public init(path: String, name: String, title: String? = nil, params: [Param] = [], blocks: [Block] = []) {
        self.path = path
        self.name = name
        self.title = title
        self.params = params
        self.blocks = blocks
    }

    /// The code cells, in file order.
    public var cells: [Cell] {
        blocks.compactMap { if case .cell(let cell) = $0 { return cell } else { return nil } }
    }

    /// The name of a notebook file: its last path component without `.ainb`.
    public static func name(ofPath path: String) -> String {
        var base = path
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        if let slash = base.lastIndex(of: "/") { base = String(base[base.index(after: slash)...]) }
        if base.hasSuffix(".ainb") && base.count > 5 { base.removeLast(5) }
        return base
    }
}

/// One part of a notebook: prose (markdown kept as written) or a code cell.
public enum Block: Equatable, Sendable {
    /// Markdown text, exactly as in the file, starting at `line` (1-based).
    case prose(text: String, line: Int)
    /// A code cell.
    case cell(Cell)
}

/// A code cell: a fence whose info string starts with `ainb`.
public struct Cell: Equatable, Sendable {
    /// The cell's number among the notebook's cells, from 1.
    public var index: Int
    /// The options written after `ainb` in the info string.
    public var options: CellOptions
    /// The code between the fences, each line ending in a newline.
    public var code: String
    /// The line of the opening fence in the notebook file (1-based).
    public var fenceLine: Int
    /// The line of the code's first line in the notebook file (1-based).
    public var codeLine: Int

    /// Creates a cell.
    public init(index: Int, options: CellOptions = CellOptions(), code: String, fenceLine: Int, codeLine: Int) {
        self.index = index
        self.options = options
        self.code = code
        self.fenceLine = fenceLine
        self.codeLine = codeLine
    }
}

/// The options of a cell, written as `key=value` after `ainb` in the fence's info string.
///
/// - `echo=false`: the report leaves the code out and keeps the outputs.
/// - `output=false`: the report leaves the outputs out (the cell still runs).
/// - `eval=false`: the cell is shown but never run (nor checked for errors at run time).
/// - `error=true`: the cell is expected to fail; its error is shown as an output and the
///   run goes on. If it does not fail, that is an error.
/// - `cache=true`: the cell cache stores the cell even though it calls `clock()`;
///   `cache=false`: it never stores it (docs/cache.md).
public struct CellOptions: Equatable, Sendable {
    /// Show the code in the report.
    public var echo = true
    /// Show the outputs in the report.
    public var output = true
    /// Run the cell.
    public var eval = true
    /// The cell is expected to fail.
    public var error = false
    /// Whether the cell cache may store the cell: nil decides by what the cell does.
    public var cache: Bool?

    /// Creates options with the defaults: echo, output and eval on; error off.
    public init(echo: Bool = true, output: Bool = true, eval: Bool = true, error: Bool = false, cache: Bool? = nil) {
        self.echo = echo
        self.output = output
        self.eval = eval
        self.error = error
        self.cache = cache
    }

    /// The option names a cell accepts.
    public static let names = ["echo", "output", "eval", "error", "cache"]
}

/// A notebook parameter: a name and its default, overridable with `--set name=value`.
public struct Param: Equatable, Sendable {
    /// The parameter's name, an identifier.
    public var name: String
    /// Its default value.
    public var value: ParamValue
    /// The front matter line it was written on.
    public var line: Int

    /// Creates a parameter.
    public init(name: String, value: ParamValue, line: Int = 0) {
        self.name = name
        self.value = value
        self.line = line
    }
}
