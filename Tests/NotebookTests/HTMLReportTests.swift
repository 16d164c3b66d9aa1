import Foundation
import Notebook
import Script
import XCTest

/// The single-file HTML report: inlined figures, highlighted code, styled tables, a table
/// of contents, nothing fetched, the same bytes on every run.
final class HTMLReportTests: XCTestCase {
    func demoReport() throws -> Report {
        let text = try String(contentsOfFile: TestSupport.fixtures + "/fake/demo.ainb", encoding: .utf8)
        let notebook = try NotebookParser.notebook(from: text, path: "demo.ainb")
        return ReportExporter.report(try NotebookRun(notebook: notebook, evaluator: FakeEvaluator()).runAll())
    }

    func testFiguresAreInlinedAsDataURIsAndNothingIsFetched() throws {
        let report = try demoReport()
        XCTAssertFalse(report.assets.isEmpty)
        let html = HTMLReport.html(report)
        for asset in report.assets {
            XCTAssertTrue(html.contains("src=\"data:image/png;base64,\(Data(asset.png).base64EncodedString())\""), asset.name)
        }
        XCTAssertFalse(html.contains("-assets/"))
        for remote in ["src=\"http", "href=\"http", "@import", "url("] { XCTAssertFalse(html.contains(remote), remote) }
    }

    func testTheSameReportGivesTheSameBytes() throws {
        XCTAssertEqual(HTMLReport.html(try demoReport()), HTMLReport.html(try demoReport()))
    }

    func testHeadingsGetIdsAndATableOfContents() {
        let report = Report(name: "r", markdown: "---\ntitle: \"My run\"\n---\n# Intro\n\n## Step one\n\n## Step one\n\ntext\n", assets: [], metricsJSON: "{}\n")
        let html = HTMLReport.html(report)
        XCTAssertTrue(html.contains("<title>My run</title>"))
        XCTAssertTrue(html.contains("<h2 id=\"step-one\">Step one</h2>"))
        XCTAssertTrue(html.contains("<h2 id=\"step-one-2\">Step one</h2>"))
        XCTAssertTrue(html.contains("<li class=\"l2\"><a href=\"#step-one-2\">Step one</a></li>"))
    }

    /// The page of a report whose markdown is `markdown`.
    func page(_ markdown: String) -> String {
        HTMLReport.html(Report(name: "r", markdown: markdown, assets: [], metricsJSON: "{}\n"))
    }

    func testCodeIsHighlightedAndOutputsAndErrorsAreSetApart() {
        let html = page("```ainb\nfn f(x) = x + 1.5 # add\nprint(\"a<b\")\n```\n\n```\n2.5\n```\n\n```error\nnb.ainb:1:1: error: boom\n```\n")
        XCTAssertTrue(html.contains("<span class=\"k\">fn</span> f(x) = x + <span class=\"n\">1.5</span> <span class=\"c\"># add</span>"), html)
        XCTAssertTrue(html.contains("<span class=\"b\">print</span>(<span class=\"s\">&quot;a&lt;b&quot;</span>)"), html)
        XCTAssertTrue(html.contains("<pre class=\"output\"><code>2.5</code></pre>"))
        XCTAssertTrue(html.contains("<pre class=\"error\"><code>nb.ainb:1:1: error: boom</code></pre>"))
    }

    func testTablesKeepTheirAlignmentAndEscapedBars() {
        let html = page("| name | value |\n|---|---:|\n| a\\|b | 1.5 |\n| c | 2 |\n")
        XCTAssertTrue(html.contains("<tr><th>name</th><th class=\"num\">value</th></tr>"), html)
        XCTAssertTrue(html.contains("<tr><td>a|b</td><td class=\"num\">1.5</td></tr>"), html)
    }

    func testProseMarkupIsRenderedAndRawHTMLIsEscaped() {
        let html = page("Some **bold**, *it*, `code <x>`, snake_case_name and [a link](https://x.org).\n<script>alert(1)</script>\n\n- one\n- two\n\n<!-- hidden -->\n> quoted\n")
        XCTAssertTrue(html.contains("<strong>bold</strong>, <em>it</em>, <code>code &lt;x&gt;</code>, snake_case_name and <a href=\"https://x.org\">a link</a>."), html)
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("<ul>\n<li>one</li>\n<li>two</li>\n</ul>"))
        XCTAssertFalse(html.contains("hidden"))
        XCTAssertTrue(html.contains("<blockquote>\n<p>quoted</p>\n</blockquote>"))
    }

    func testWriterWritesOnlyTheFormatsAskedFor() throws {
        let report = try demoReport()
        let htmlOnly = try TestSupport.temporaryFolder()
        try ReportWriter().write(report, to: htmlOnly, formats: [.html])
        XCTAssertEqual(try TestSupport.files(in: htmlOnly).keys.sorted(), ["demo.html", "demo.metrics.json"])
        let both = try TestSupport.temporaryFolder()
        try ReportWriter().write(report, to: both, formats: [.md, .html])
        let files = try TestSupport.files(in: both)
        XCTAssertEqual(files.keys.sorted(), ["demo-assets/cell-2-1.png", "demo-assets/cell-2-2.png", "demo.html", "demo.md", "demo.metrics.json"])
        XCTAssertEqual(files["demo.html"], try TestSupport.files(in: htmlOnly)["demo.html"])
    }
}
