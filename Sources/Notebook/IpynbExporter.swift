import Foundation
import Script

/// Writes a notebook as a Jupyter notebook (`.ipynb`, nbformat 4.5).
///
/// Prose becomes markdown cells and `ainb` cells code cells; the front matter is kept in
/// the notebook's metadata (`ainb.front_matter`) and, when there are params, shown as a
/// first code cell tagged `parameters` that defines them. Everything the markdown cells
/// cannot hold (blank lines between blocks, a fence written differently from the usual
/// ```` ```ainb ````) goes into each cell's `ainb` metadata, so `IpynbImporter` gives back
/// the `.ainb` file byte for byte. Cell options also become what Jupyter understands:
/// `echo=false` hides the source, `output=false` the outputs, `error=true` is the tag
/// `raises-exception` and `eval=false` the tag `skip-execution`.
public enum IpynbExporter {
    /// The `.ipynb` text of `notebook`, read from `source`. With `outcome`, each cell that
    /// ran carries its outputs; `params` (the values in effect) fill the parameters cell.
    public static func ipynb(source: String, notebook: Notebook, params: [Param]? = nil, outcome: RunOutcome? = nil) -> String {
        let lines = rawLines(source)
        var cells: [JSONValue] = []
        var meta: [(String, JSONValue)] = []
        var start = 0
        if let close = frontMatterEnd(lines) {
            meta.append(("front_matter", .string(lines[0...close].joined())))
            start = close + 1
        }
        let params = params ?? outcome?.params ?? notebook.params
        if !params.isEmpty {
            let code = params.map { "\($0.name) = \($0.value.literal)" }.joined(separator: "\n")
            cells.append(codeCell(id: "params", source: code, metadata: [
                ("ainb", .object([("role", .string("params"))])), ("tags", .array([.string("parameters")])),
            ], outputs: [], count: nil))
        }
        let results = Dictionary((outcome?.results ?? []).map { ($0.cell.index, $0) }, uniquingKeysWith: { a, _ in a })
        var executionCount = 0
        var gap = 0
        var isFirst = true
        var proseCount = 0
        func gapMetadata() -> [(String, JSONValue)] {
            defer { isFirst = false; gap = 0 }
            return gap == (isFirst ? 0 : 1) ? [] : [("gap", .number(Double(gap)))]
        }
        let endsWithNewline = source.isEmpty || source.hasSuffix("\n")
        for (position, block) in notebook.blocks.enumerated() {
            switch block {
            case .prose(let text, _):
                let leading = text.prefix { $0 == "\n" }.count
                let trailing = text.reversed().prefix { $0 == "\n" }.count
                if leading == text.count {
                    gap += leading
                    continue
                }
                let core = String(text.dropFirst(leading).dropLast(trailing))
                gap += leading
                proseCount += 1
                var ainb = gapMetadata()
                // A prose block ends in a newline, unless it ends the file without one or
                // its lines end in CR LF.
                if trailing == 0 { ainb.append(("newline", .bool(false))) }
                cells.append(markdownCell(id: "md-\(proseCount)", source: core, ainb: ainb))
                gap = max(trailing - 1, 0)
            case .cell(let cell):
                let nextLine: Int
                if position + 1 < notebook.blocks.count {
                    switch notebook.blocks[position + 1] {
                    case .prose(_, let line): nextLine = line
                    case .cell(let next): nextLine = next.fenceLine
                    }
                } else {
                    nextLine = lines.count + 1
                }
                let raw = lines[(cell.fenceLine - 1)..<max(cell.fenceLine - 1, min(nextLine - 1, lines.count))].joined()
                var ainb = gapMetadata()
                ainb += fenceMetadata(cell: cell, raw: raw)
                var outputs: [JSONValue] = []
                var count: Int?
                if let result = results[cell.index], result.status != .skipped {
                    executionCount += 1
                    count = executionCount
                    if cell.options.output {
                        outputs = IpynbOutputs.outputs(result.outputs, metrics: result.metrics)
                    }
                    if let failure = result.failure { outputs.append(IpynbOutputs.error(failure)) }
                }
                var metadata: [(String, JSONValue)] = []
                if !ainb.isEmpty { metadata.append(("ainb", .object(ainb))) }
                metadata += jupyterMetadata(cell.options)
                cells.append(codeCell(id: "cell-\(cell.index)", source: codeSource(cell.code), metadata: metadata,
                                      outputs: outputs, count: count))
            }
        }
        if gap > 0 { meta.append(("trailing_newlines", .number(Double(gap)))) }
        if !endsWithNewline { meta.append(("final_newline", .bool(false))) }
        let document: JSONValue = .object([
            ("cells", .array(cells)),
            ("metadata", .object([
                ("ainb", .object(meta)),
                ("kernelspec", .object([("display_name", .string("ainb")), ("language", .string("ainb")), ("name", .string("ainb"))])),
                ("language_info", languageInfo),
            ])),
            ("nbformat", .number(4)),
            ("nbformat_minor", .number(5)),
        ])
        return document.text(indent: 1) + "\n"
    }

    /// What Jupyter shows about the language (also the kernel's `kernel_info` reply).
    public static let languageInfo: JSONValue = .object([
        ("name", .string("ainb")), ("file_extension", .string(".ainb")), ("mimetype", .string("text/x-ainb")),
        ("pygments_lexer", .string("text")), ("version", .string("1")),
    ])

    /// A cell's code as Jupyter holds it: without the newline that ends its last line.
    static func codeSource(_ code: String) -> String {
        code.hasSuffix("\n") ? String(code.dropLast()) : code
    }

    /// The closing fence that matches an opening one: the same run of backticks or tildes.
    static func closingFence(for opening: String) -> String {
        let body = opening.drop { $0 == " " }
        guard let ch = body.first else { return "```" }
        return String(body.prefix { $0 == ch })
    }

    /// The `ainb` metadata a code cell needs to come back as written: its fence lines when
    /// they differ from the usual ones, or the whole cell text when even that is not enough.
    static func fenceMetadata(cell: Cell, raw: String) -> [(String, JSONValue)] {
        var rawLines = raw.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if rawLines.last == "" { rawLines.removeLast() }
        guard let opening = rawLines.first, rawLines.count >= 2, let closing = rawLines.last else {
            return [("raw", .string(raw))]
        }
        var metadata: [(String, JSONValue)] = []
        let fence = NotebookWriter.cellFence(cell.options, code: cell.code)
        if opening != fence { metadata.append(("fence", .string(opening))) }
        if closing != closingFence(for: opening) { metadata.append(("close", .string(closing))) }
        var rebuilt = opening + "\n" + cell.code + closing + "\n"
        if !raw.hasSuffix("\n") { rebuilt.removeLast() }
        let code = codeSource(cell.code)
        let keepsCode = (code.isEmpty ? "" : code + "\n") == cell.code
        return rebuilt == raw && keepsCode ? metadata : [("raw", .string(raw))]
    }

    /// Jupyter's own cell metadata for the options: hidden source or outputs, and tags.
    static func jupyterMetadata(_ options: CellOptions) -> [(String, JSONValue)] {
        var metadata: [(String, JSONValue)] = []
        var jupyter: [(String, JSONValue)] = []
        if !options.echo { jupyter.append(("source_hidden", .bool(true))) }
        if !options.output { jupyter.append(("outputs_hidden", .bool(true))) }
        if !jupyter.isEmpty { metadata.append(("jupyter", .object(jupyter))) }
        var tags: [JSONValue] = []
        if options.error { tags.append(.string("raises-exception")) }
        if !options.eval { tags.append(.string("skip-execution")) }
        if !tags.isEmpty { metadata.append(("tags", .array(tags))) }
        return metadata
    }

    static func markdownCell(id: String, source: String, ainb: [(String, JSONValue)]) -> JSONValue {
        .object([
            ("cell_type", .string("markdown")), ("id", .string(id)),
            ("metadata", .object(ainb.isEmpty ? [] : [("ainb", .object(ainb))])),
            ("source", multiline(source)),
        ])
    }

    static func codeCell(id: String, source: String, metadata: [(String, JSONValue)], outputs: [JSONValue], count: Int?) -> JSONValue {
        .object([
            ("cell_type", .string("code")), ("execution_count", count.map { .number(Double($0)) } ?? .null),
            ("id", .string(id)), ("metadata", .object(metadata)), ("outputs", .array(outputs)),
            ("source", multiline(source)),
        ])
    }

    /// Text as Jupyter writes it: a list of lines, each but the last ending in a newline.
    public static func multiline(_ text: String) -> JSONValue {
        var lines: [JSONValue] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ch == "\n" || ch == "\r\n" {
                lines.append(.string(current))
                current = ""
            }
        }
        if !current.isEmpty { lines.append(.string(current)) }
        return .array(lines)
    }

    /// `source` split into lines, each keeping its line ending (as the parser reads it).
    static func rawLines(_ source: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for ch in source {
            current.append(ch)
            if ch == "\n" || ch == "\r\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// The index of the line closing the front matter, if the file starts with one.
    static func frontMatterEnd(_ lines: [String]) -> Int? {
        func trimmed(_ line: String) -> String {
            var line = Substring(line)
            while let last = line.last, last == "\n" || last == "\r\n" || last == " " || last == "\t" || last == "\r" { line = line.dropLast() }
            return String(line)
        }
        guard let first = lines.first, trimmed(first) == "---" else { return nil }
        for i in 1..<max(lines.count, 1) where trimmed(lines[i]) == "---" || trimmed(lines[i]) == "..." { return i }
        return nil
    }
}

/// Jupyter outputs (`stream`, `display_data`, `error`) of what code shows; used by the
/// `.ipynb` export and by the kernel, so both show a cell the same way.
public enum IpynbOutputs {
    /// The outputs of `items` and the `metrics` recorded: text runs become one `stream`,
    /// tables `text/markdown`, figures `image/png`.
    public static func outputs(_ items: [DisplayItem], metrics: [Metric]) -> [JSONValue] {
        var outputs: [JSONValue] = []
        var text = ""
        func flush() {
            if !text.isEmpty { outputs.append(stream(ReportExporter.collapsingCarriageReturns(text))) }
            text = ""
        }
        for item in items {
            if case .progress = item { continue }
            if case .timed(let t, _) = item { text += t + "\n"; continue }
            if case .text(let t) = item {
                text += t
                if !t.hasSuffix("\n") && !t.hasSuffix("\r") { text += "\n" }
            } else {
                flush()
                outputs.append(.object([("data", data(item)), ("metadata", .object([])), ("output_type", .string("display_data"))]))
            }
        }
        if text.hasSuffix("\r") { text += "\n" }
        flush()
        if !metrics.isEmpty {
            outputs.append(.object([("data", data(.table(headers: ["metric", "value"],
                                                          rows: metrics.map { [$0.name, ReportExporter.formatNumber($0.value)] }))),
                                    ("metadata", .object([])), ("output_type", .string("display_data"))]))
        }
        return outputs
    }

    /// A `stream` output on standard output.
    public static func stream(_ text: String) -> JSONValue {
        .object([("name", .string("stdout")), ("output_type", .string("stream")), ("text", IpynbExporter.multiline(text))])
    }

    /// The MIME bundle of one item: `text/plain` always, and `text/markdown` for tables,
    /// `image/png` (base64) for figures.
    public static func data(_ item: DisplayItem) -> JSONValue {
        switch item {
        case .text(let text), .progress(let text), .timed(let text, _):
            return .object([("text/plain", .string(text))])
        case .table(let headers, let rows):
            let markdown = ReportExporter.markdownTable(headers: headers, rows: rows)
            return .object([("text/markdown", .string(markdown)), ("text/plain", .string(markdown))])
        case .image(let png, let caption):
            return .object([("image/png", .string(Data(png).base64EncodedString())),
                            ("text/plain", .string(caption.isEmpty ? "<figure>" : "<figure: \(caption)>"))])
        }
    }

    /// An `error` output: `ename` is `Error`, `evalue` the message, and the traceback the
    /// full positioned text (`file:line:col: error: …`, the source line and a caret).
    public static func error(_ failure: CellFailure) -> JSONValue {
        .object(errorFields(failure) + [("output_type", .string("error"))])
    }

    /// The `ename`, `evalue` and `traceback` of a failure.
    public static func errorFields(_ failure: CellFailure) -> [(String, JSONValue)] {
        [("ename", .string("Error")), ("evalue", .string(failure.message)),
         ("traceback", .array(failure.description.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }))]
    }
}
