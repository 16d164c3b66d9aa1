/// Writes notebooks: the inverse of `NotebookParser`, so that
/// `NotebookParser.parse(NotebookWriter.write(notebook))` gives `notebook` back. Also
/// what was typed at the REPL, saved with `:save FILE.ainb`.
///
/// Prose is written as it was read; each cell gets the usual fence (```` ```ainb ````,
/// its options that are not the defaults, and as many backticks as `Fence.backticks(holding:)`
/// says); the front matter is the title and the params, one per line.
public enum NotebookWriter {
    /// The text of `notebook`.
    public static func write(_ notebook: Notebook) -> String {
        var text = frontMatter(title: notebook.title, params: notebook.params)
        for block in notebook.blocks {
            switch block {
            case .prose(let prose, _):
                text += prose
            case .cell(let cell):
                // A fence opens only at the start of a line ("\r\n" is one Character: look at scalars).
                if let last = text.unicodeScalars.last, last != "\n" { text += "\n" }
                text += cellText(options: cell.options, code: cell.code)
            }
        }
        return text
    }

    /// A notebook with one cell per entry, in order, under an optional title.
    public static func notebook(cells: [String], title: String? = nil) -> String {
        var blocks: [Block] = []
        if let title { blocks.append(.prose(text: "# \(title)\n\n", line: 0)) }
        for (index, code) in cells.enumerated() {
            if index > 0 { blocks.append(.prose(text: "\n", line: 0)) }
            blocks.append(.cell(Cell(index: index + 1, code: code, fenceLine: 0, codeLine: 0)))
        }
        return write(Notebook(path: "", name: "", title: title, blocks: blocks))
    }

    /// The front matter of a notebook or a report: the title and the params, if any.
    static func frontMatter(title: String?, params: [Param]) -> String {
        guard title != nil || !params.isEmpty else { return "" }
        var text = "---\n"
        if let title { text += "title: \(ParamValue.quoted(title))\n" }
        if !params.isEmpty {
            text += "params:\n"
            for param in params { text += "  \(param.name): \(param.value.yaml)\n" }
        }
        return text + "---\n"
    }

    /// A cell as written: its opening fence, the code (each line ending in a newline), the closing fence.
    static func cellText(options: CellOptions, code: String) -> String {
        var body = code
        if !body.isEmpty && !body.hasSuffix("\n") { body += "\n" }
        let opening = cellFence(options, code: body)
        return "\(opening)\n\(body)\(opening.prefix { $0 == "`" })\n"
    }

    /// The opening fence of a cell with these options and code: ```` ```ainb ```` and the
    /// options that are not the defaults, in the order `echo output eval error cache`.
    static func cellFence(_ options: CellOptions, code: String) -> String {
        var info = "ainb"
        if !options.echo { info += " echo=false" }
        if !options.output { info += " output=false" }
        if !options.eval { info += " eval=false" }
        if options.error { info += " error=true" }
        if let cache = options.cache { info += " cache=\(cache)" }
        return Fence.backticks(holding: code) + info
    }
}
