import Script
import XCTest

/// Updates in place (`xs[i] = v`, `r.f = v`, `xs = append(xs, v)`, `s = s + t`) must keep
/// value semantics: a copy made before the update never changes.
final class ValueUpdateTests: XCTestCase {
    func testIndexAndFieldUpdatesLeaveCopiesAlone() throws {
        let program = """
        xs = [1, 2]
        ys = xs
        xs[0] = 9
        r = {a: [1], b: {c: 2}}
        s = r
        r.a[0] = 5
        r.b.c = 7
        rows = [[0, 0], [0, 0]]
        first = rows[0]
        rows[0][1] = 4
        [xs, ys, r, s, rows, first]
        """
        XCTAssertEqual(try value(program),
                       "[[9, 2], [1, 2], {a: [5], b: {c: 7}}, {a: [1], b: {c: 2}}, [[0, 4], [0, 0]], [0, 0]]")
    }

    func testGrowingInPlaceLeavesCopiesAlone() throws {
        let program = """
        xs = [1]
        keep = xs
        for i in 0..3 { xs = append(xs, i) }
        more = xs
        xs = xs + [7]
        t = "abcdefghijklmnopqrstuvwxyz"
        u = t
        t = t + "!"
        [keep, more, xs, u, t]
        """
        XCTAssertEqual(try value(program),
                       "[[1], [1, 0, 1, 2], [1, 0, 1, 2, 7], \"abcdefghijklmnopqrstuvwxyz\", \"abcdefghijklmnopqrstuvwxyz!\"]")
    }

    func testAppendWhoseArgumentReadsTheList() throws {
        // The argument reads (and keeps a copy of) the list being grown.
        let program = """
        xs = [1]
        fn grow() {
          xs2 = xs
          return 5
        }
        fn swap() = 3
        xs = append(xs, grow())
        xs = xs + [swap()]
        xs
        """
        XCTAssertEqual(try value(program), "[1, 5, 3]")
    }

    func testUpdatesInsideFunctionsAndClosures() throws {
        let program = """
        fn fill(n) {
          out = [0] * n
          for i in 0..n { out[i] = i * i }
          return out
        }
        fn counter() {
          seen = []
          fn add(x) {
            seen = append(seen, x)
            return len(seen)
          }
          return add
        }
        add = counter()
        add(1)
        add(2)
        [fill(4), add(3)]
        """
        XCTAssertEqual(try value(program), "[[0, 1, 4, 9], 3]")
    }

    func testAFailedUpdateKeepsTheVariable() throws {
        let session = Session()
        session.output = { _ in }
        _ = try session.run("xs = [1, 2]", file: "a.ainb")
        XCTAssertThrowsError(try session.run("xs[5] = 1", file: "b.ainb"))
        XCTAssertThrowsError(try session.run("xs[0].f = 1", file: "c.ainb"))
        XCTAssertEqual(session.valueText("xs"), "[1, 2]")
    }

    func testHugeListsAndStringsAreRefused() {
        XCTAssertEqual(failure("list(0..1e9)")?.message, "a list of 1000000000 items is too big for memory (the limit is 67108864)")
        XCTAssertEqual(failure("\"ab\" * 1e9")?.message,
                       "a string repeated 1000000000 times is too large (the limit is 67108864 characters)")
    }
}

/// `s[i]`, `s[a:b:c]` and `len(s)` read bytes for strings of one byte per character
/// (PlainStrings.swift): every answer must be the character-wise answer Swift gives.
final class PlainStringTests: XCTestCase {
    func testCharactersSlicesAndLengthsMatchCharacterWiseAnswers() throws {
        let long = String(repeating: "abcdefghij", count: 10)
        let strings = [
            "", "a", "short", long, long + "\r\n" + long, "ab\r\ncd", long + "é" + long,
            String(repeating: "héllo", count: 20),
        ]
        for s in strings {
            let chars = Array(s)
            let literal = s.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
            // Read twice: the second read of a long string comes from the memo.
            for _ in 0..<2 {
                XCTAssertEqual(try value("s = \"\(literal)\"\nlen(s)"), "\(chars.count)")
                XCTAssertEqual(try value("s = \"\(literal)\"\ns.count"), "\(chars.count)")
                for i in [0, 1, 5, chars.count - 1, -1, -chars.count] where i >= -chars.count && i < chars.count && !chars.isEmpty {
                    let want = String(chars[i < 0 ? i + chars.count : i])
                    let got = try runLines("s = \"\(literal)\"\nprint(s[\(i)] == \"\(want.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n"))\")")
                    XCTAssertEqual(got, ["true"], "s[\(i)] of \(literal)")
                }
                for (a, b, c) in [(0, 3, 1), (2, 60, 1), (-5, 1000, 1), (50, 3, -2), (0, 200, 7)] {
                    let n = chars.count
                    func bound(_ v: Int, _ dflt: Int, _ step: Int) -> Int {
                        let i = v < 0 ? v + n : v
                        return step > 0 ? min(max(i, 0), n) : min(max(i, -1), n - 1)
                    }
                    let start = bound(a, 0, c), end = bound(b, n, c)
                    let want = String(stride(from: start, to: end, by: c).map { chars[$0] })
                    let got = try runLines("s = \"\(literal)\"\nt = s[\(a):\(b):\(c)]\nprint(len(t))")
                    XCTAssertEqual(got, ["\(want.count)"], "s[\(a):\(b):\(c)] of \(literal)")
                    let same = try runLines("s = \"\(literal)\"\nprint(s[\(a):\(b):\(c)] == \"\(want.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n"))\")")
                    XCTAssertEqual(same, ["true"], "s[\(a):\(b):\(c)] of \(literal)")
                }
            }
        }
        XCTAssertTrue(failure("s = \"\(long)\"\ns[100]")?.message.contains("out of range") ?? false)
    }
}
