/// Writes notebooks: what was typed at the REPL, saved with `:save FILE.ainb`.
public enum NotebookWriter {
    /// A notebook with one cell per entry, in order, under an optional title.
    public static func notebook(cells: [String], title: String? = nil) -> String {
        var text = ""
        if let title {
            text += "---\ntitle: \(ParamValue.quoted(title))\n---\n# \(title)\n\n"
        }
        for (index, code) in cells.enumerated() {
            if index > 0 { text += "\n" }
            var body = code
            if !body.hasSuffix("\n") { body += "\n" }
            let fence = String(repeating: "`", count: max(3, longestFenceRun(in: body) + 1))
            text += "\(fence)ainb\n\(body)\(fence)\n"
        }
        return text
    }

    /// The longest run of backticks at the start of a line (after up to 3 spaces), which a
    /// fence must outgrow to contain the text.
    static func longestFenceRun(in text: String) -> Int {
        var longest = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let body = line.drop(while: { $0 == " " })
            guard line.count - body.count <= 3 else { continue }
            longest = max(longest, body.prefix(while: { $0 == "`" }).count)
        }
        return longest
    }
}
