import Foundation

/// Turns a report into one self-contained HTML page: figures inlined as data URIs, code
/// highlighted, tables styled, a table of contents; nothing is fetched when it is viewed.
///
/// The page is made from the report's markdown, so it shows exactly what `NAME.md` does,
/// and like it depends on nothing but the run: the same run gives the same bytes.
public enum HTMLReport {
    /// The text of `NAME.html` for `report`.
    public static func html(_ report: Report) -> String {
        var figures: [String: String] = [:]
        for asset in report.assets {
            figures[ReportExporter.percentEncoded("\(report.assetsFolder)/\(asset.name)")] =
                "data:image/png;base64," + Data(asset.png).base64EncodedString()
        }
        let (frontMatter, body) = splitFrontMatter(report.markdown)
        var renderer = HTMLMarkdown(image: { figures[$0] })
        var content = renderer.render(body)
        // A paragraph holding only a figure is shown as a figure with its caption.
        content = captionFigures(content)
        let title = frontMatter.title ?? renderer.headings.first?.text ?? report.name

        var page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="ainb">
        <title>\(htmlEscape(title))</title>
        <style>
        \(style)</style>
        </head>
        <body>

        """
        let toc = renderer.headings.filter { $0.level <= 3 }
        if !toc.isEmpty {
            page += "<nav class=\"toc\">\n<p class=\"toc-title\">Contents</p>\n<ul>\n"
            for heading in toc {
                page += "<li class=\"l\(heading.level)\"><a href=\"#\(heading.id)\">\(htmlEscape(heading.text))</a></li>\n"
            }
            page += "</ul>\n</nav>\n"
        }
        page += "<main>\n"
        if !frontMatter.params.isEmpty {
            page += "<details class=\"params\"><summary>Parameters</summary>\n<div class=\"table\"><table>\n<tbody>\n"
            for param in frontMatter.params {
                page += "<tr><th>\(htmlEscape(param.name))</th><td><code>\(htmlEscape(param.value.yaml))</code></td></tr>\n"
            }
            page += "</tbody>\n</table></div>\n</details>\n"
        }
        page += content
        page += "</main>\n</body>\n</html>\n"
        return page
    }

    /// The report's front matter (title and params) and the markdown after it.
    static func splitFrontMatter(_ markdown: String) -> (FrontMatterParser.Result, String) {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == "---", let close = lines.dropFirst().firstIndex(of: "---") else {
            return (FrontMatterParser.Result(), markdown)
        }
        let parser = FrontMatterParser(file: "report", lines: Array(lines[1..<close]), firstLine: 2)
        let result = parser.parse().result
        return (result, lines[(close + 1)...].joined(separator: "\n"))
    }

    /// `<p><img …></p>` as `<figure><img …><figcaption>alt</figcaption></figure>`.
    static func captionFigures(_ html: String) -> String {
        var out = ""
        for line in html.split(separator: "\n", omittingEmptySubsequences: false) {
            let image = line.dropFirst(3).dropLast(4)
            if line.hasPrefix("<p><img "), line.hasSuffix("></p>"), image.filter({ $0 == "<" }).count == 1,
               let altStart = line.range(of: "alt=\"") {
                let alt = line[altStart.upperBound...].prefix { $0 != "\"" }
                out += "<figure>\(image)" + (alt.isEmpty ? "" : "<figcaption>\(alt)</figcaption>") + "</figure>\n"
            } else {
                out += line + "\n"
            }
        }
        if out.hasSuffix("\n") { out.removeLast() }
        return out
    }

    /// The page's style sheet: readable text, a side table of contents on wide screens,
    /// code and outputs set apart, zebra tables; no web fonts.
    static let style = """
    :root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --code-bg: #f6f8fa; --accent: #0969da; }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--fg); background: #fff; font: 16px/1.6 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
    main { max-width: 860px; margin: 0 auto; padding: 24px 32px 64px; }
    nav.toc { font-size: 14px; padding: 16px 24px; border-bottom: 1px solid var(--line); background: #fbfcfd; }
    nav.toc ul { list-style: none; margin: 0; padding: 0; }
    nav.toc li.l2 { padding-left: 12px; } nav.toc li.l3 { padding-left: 24px; font-size: 13px; }
    nav.toc a { color: var(--muted); text-decoration: none; } nav.toc a:hover { color: var(--accent); }
    .toc-title { font-weight: 600; margin: 0 0 6px; }
    @media (min-width: 1180px) {
      nav.toc { position: fixed; top: 0; left: 0; bottom: 0; width: 280px; overflow-y: auto; border-bottom: 0; border-right: 1px solid var(--line); }
      main { margin-left: max(300px, calc(50vw - 430px)); }
    }
    h1, h2, h3 { line-height: 1.25; margin: 1.6em 0 0.6em; } h1 { font-size: 2em; border-bottom: 1px solid var(--line); padding-bottom: .3em; }
    h2 { font-size: 1.5em; border-bottom: 1px solid var(--line); padding-bottom: .3em; } h3 { font-size: 1.25em; }
    a { color: var(--accent); }
    code { font: 13.5px/1.45 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; }
    p code, li code, td code { background: var(--code-bg); padding: .15em .35em; border-radius: 5px; }
    pre { margin: 0 0 16px; padding: 12px 16px; overflow-x: auto; border-radius: 6px; }
    pre.code { background: var(--code-bg); border: 1px solid var(--line); }
    pre.output { background: #fff; border: 1px solid var(--line); border-left: 4px solid #8c959f; }
    pre.error { background: #fff5f5; border: 1px solid #ffcecb; border-left: 4px solid #cf222e; color: #82071e; }
    .k { color: #cf222e; font-weight: 600; } .s { color: #0a3069; } .n { color: #0550ae; } .c { color: #6e7781; font-style: italic; } .b { color: #8250df; }
    .table { overflow-x: auto; margin: 0 0 16px; }
    table { border-collapse: collapse; font-size: 14px; }
    th, td { border: 1px solid var(--line); padding: 5px 12px; text-align: left; }
    th { background: var(--code-bg); } tbody tr:nth-child(even) { background: #f6f8fa80; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } td.center, th.center { text-align: center; }
    figure { margin: 0 0 16px; } figure img, p img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
    figcaption { color: var(--muted); font-size: 14px; margin-top: 4px; }
    blockquote { margin: 0 0 16px; padding: 0 1em; color: var(--muted); border-left: 4px solid var(--line); }
    details.params { margin: 0 0 16px; font-size: 14px; } details.params summary { cursor: pointer; color: var(--muted); }
    hr { border: 0; border-top: 1px solid var(--line); margin: 24px 0; }

    """
}
