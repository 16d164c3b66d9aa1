/// Reads a Jupyter notebook (`.ipynb`, nbformat 4) back into `.ainb` text.
///
/// Markdown cells become prose and code cells ```` ```ainb ```` fences; outputs are
/// dropped. The `ainb` metadata `IpynbExporter` writes (front matter, blank lines between
/// blocks, fences written differently) is honoured, so an exported notebook comes back
/// byte for byte; a notebook from elsewhere gets one blank line between blocks. Raw cells
/// are kept as prose, except a first raw cell holding `---` front matter.
public enum IpynbImporter {
    /// The `.ainb` text of the notebook in `text`, read from `path`.
    public static func ainb(fromIpynb text: String, path: String) throws -> String {
        let document = try JSONValue.parse(text, file: path)
        guard case .object = document else { throw NotebookError(file: path, line: 1, message: "not a Jupyter notebook: the file is not a JSON object") }
        guard let major = document["nbformat"]?.int, major == 4 else {
            throw NotebookError(file: path, line: 1, message: "only nbformat 4 notebooks can be converted (this one says nbformat \(document["nbformat"]?.text() ?? "nothing"))")
        }
        guard let cells = document["cells"]?.array else {
            throw NotebookError(file: path, line: 1, message: "the notebook has no 'cells' list")
        }
        let meta = document["metadata"]?["ainb"]
        var out = meta?["front_matter"]?.string ?? ""
        var isFirst = true
        for (number, cell) in cells.enumerated() {
            let ainb = cell["metadata"]?["ainb"]
            guard let type = cell["cell_type"]?.string else {
                throw NotebookError(file: path, message: "cell \(number + 1) has no cell_type")
            }
            guard let source = cell["source"]?.joinedText else {
                throw NotebookError(file: path, message: "cell \(number + 1) has no source text")
            }
            if ainb?["role"]?.string == "params" { continue }
            if type == "raw" && isFirst && out.isEmpty && source.hasPrefix("---\n") {
                out = source.hasSuffix("\n") ? source : source + "\n"
                continue
            }
            let gap = ainb?["gap"]?.int ?? (isFirst ? 0 : 1)
            out += String(repeating: "\n", count: max(gap, 0))
            isFirst = false
            switch type {
            case "code":
                out += codeText(source: source, metadata: cell["metadata"])
            default:
                var prose = Substring(source)
                while prose.hasSuffix("\n") { prose = prose.dropLast() }
                out += prose + (ainb?["newline"]?.bool == false ? "" : "\n")
            }
        }
        out += String(repeating: "\n", count: max(meta?["trailing_newlines"]?.int ?? 0, 0))
        if meta?["final_newline"]?.bool == false, out.hasSuffix("\n") { out.removeLast() }
        return out
    }

    /// A code cell as an `ainb` fence: the fence as exported if it was kept, otherwise the
    /// usual one with the options Jupyter's metadata says (hidden source or outputs, tags).
    static func codeText(source: String, metadata: JSONValue?) -> String {
        let ainb = metadata?["ainb"]
        if let raw = ainb?["raw"]?.string {
            let cell = NotebookParser.parse(raw, path: "").notebook.cells.first
            if let cell, IpynbExporter.codeSource(cell.code) == source { return raw.hasSuffix("\n") ? raw : raw + "\n" }
        }
        let code = source.isEmpty ? "" : source + "\n"
        let opening = ainb?["fence"]?.string ?? NotebookWriter.cellFence(options(metadata), code: code)
        let closing = ainb?["close"]?.string ?? IpynbExporter.closingFence(for: opening)
        return opening + "\n" + code + closing + "\n"
    }

    /// The cell options Jupyter's own metadata implies.
    static func options(_ metadata: JSONValue?) -> CellOptions {
        let tags = Set((metadata?["tags"]?.array ?? []).compactMap(\.string))
        return CellOptions(echo: metadata?["jupyter"]?["source_hidden"]?.bool != true,
                           output: metadata?["jupyter"]?["outputs_hidden"]?.bool != true,
                           eval: !tags.contains("skip-execution"),
                           error: tags.contains("raises-exception"))
    }
}
