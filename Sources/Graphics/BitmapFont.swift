/// The built-in bitmap font: printable ASCII (32–126) drawn on a 5×9 grid.
///
/// Rows 0–6 hold capitals and digits (row 6 sits on the baseline); rows 7–8 hold descenders.
/// Letters are proportional (blank columns trimmed), digits all five columns wide so that
/// numbers line up in tick labels. One column of space follows every glyph. The glyphs are
/// written out below as rows of `#` (ink) and `.` (paper), separated by `/`.
public enum BitmapFont {
    /// Rows from the top of a capital to the baseline, at scale 1.
    public static let ascent = 7
    /// Rows below the baseline, at scale 1.
    public static let descent = 2
    /// Blank rows between lines of text, at scale 1.
    public static let lineGap = 3
    /// Distance between baselines of successive lines, at scale 1.
    public static var lineHeight: Int { ascent + descent + lineGap }

    /// One glyph: its rows as bit masks (bit 4 is the leftmost column) and its trimmed columns.
    struct Glyph: Sendable {
        var rows: [UInt8]       // 9 rows
        var firstColumn: Int    // leftmost inked column (0...4)
        var width: Int          // inked columns, at least 1
    }

    // swiftlint:disable line_length
    private static let source: [String] = [
        /* 32 ' ' */ "", /* '!' */ "..#../..#../..#../..#../..#../...../..#..",
        /* '"' */ ".#.#./.#.#./.#.#.", /* '#' */ ".#.#./.#.#./#####/.#.#./#####/.#.#./.#.#.",
        /* '$' */ "..#../.####/#.#../.###./..#.#/####./..#..", /* '%' */ "##.../##..#/...#./..#../.#.../#..##/...##",
        /* '&' */ ".##../#..#./#.#../.#.../#.#.#/#..#./.##.#", /* ''' */ "..#../..#../..#..",
        /* '(' */ "...#./..#../.#.../.#.../.#.../..#../...#.", /* ')' */ ".#.../..#../...#./...#./...#./..#../.#...",
        /* '*' */ "...../..#../#.#.#/.###./#.#.#/..#..", /* '+' */ "...../..#../..#../#####/..#../..#..",
        /* ',' */ "...../...../...../...../...../...../..#../.#...", /* '-' */ "...../...../...../.###.",
        /* '.' */ "...../...../...../...../...../...../..#..", /* '/' */ "...../....#/...#./..#../.#.../#....",
        /* '0' */ ".###./#...#/#..##/#.#.#/##..#/#...#/.###.", /* '1' */ "..#../.##../..#../..#../..#../..#../.###.",
        /* '2' */ ".###./#...#/....#/...#./..#../.#.../#####", /* '3' */ "#####/...#./..#../...#./....#/#...#/.###.",
        /* '4' */ "...#./..##./.#.#./#..#./#####/...#./...#.", /* '5' */ "#####/#..../####./....#/....#/#...#/.###.",
        /* '6' */ "..##./.#.../#..../####./#...#/#...#/.###.", /* '7' */ "#####/....#/...#./..#../.#.../.#.../.#...",
        /* '8' */ ".###./#...#/#...#/.###./#...#/#...#/.###.", /* '9' */ ".###./#...#/#...#/.####/....#/...#./.##..",
        /* ':' */ "...../...../..#../...../...../..#..", /* ';' */ "...../...../..#../...../...../..#../.#...",
        /* '<' */ "...#./..#../.#.../#..../.#.../..#../...#.", /* '=' */ "...../...../#####/...../#####",
        /* '>' */ ".#.../..#../...#./....#/...#./..#../.#...", /* '?' */ ".###./#...#/....#/...#./..#../...../..#..",
        /* '@' */ ".###./#...#/#.###/#.#.#/#.###/#..../.###.", /* 'A' */ ".###./#...#/#...#/#####/#...#/#...#/#...#",
        /* 'B' */ "####./#...#/#...#/####./#...#/#...#/####.", /* 'C' */ ".###./#...#/#..../#..../#..../#...#/.###.",
        /* 'D' */ "####./#...#/#...#/#...#/#...#/#...#/####.", /* 'E' */ "#####/#..../#..../####./#..../#..../#####",
        /* 'F' */ "#####/#..../#..../####./#..../#..../#....", /* 'G' */ ".###./#...#/#..../#.###/#...#/#...#/.####",
        /* 'H' */ "#...#/#...#/#...#/#####/#...#/#...#/#...#", /* 'I' */ "###/.#./.#./.#./.#./.#./###",
        /* 'J' */ "..###/...#./...#./...#./...#./#..#./.##..", /* 'K' */ "#...#/#..#./#.#../##.../#.#../#..#./#...#",
        /* 'L' */ "#..../#..../#..../#..../#..../#..../#####", /* 'M' */ "#...#/##.##/#.#.#/#.#.#/#...#/#...#/#...#",
        /* 'N' */ "#...#/#...#/##..#/#.#.#/#..##/#...#/#...#", /* 'O' */ ".###./#...#/#...#/#...#/#...#/#...#/.###.",
        /* 'P' */ "####./#...#/#...#/####./#..../#..../#....", /* 'Q' */ ".###./#...#/#...#/#...#/#.#.#/#..#./.##.#",
        /* 'R' */ "####./#...#/#...#/####./#.#../#..#./#...#", /* 'S' */ ".####/#..../#..../.###./....#/....#/####.",
        /* 'T' */ "#####/..#../..#../..#../..#../..#../..#..", /* 'U' */ "#...#/#...#/#...#/#...#/#...#/#...#/.###.",
        /* 'V' */ "#...#/#...#/#...#/#...#/#...#/.#.#./..#..", /* 'W' */ "#...#/#...#/#...#/#.#.#/#.#.#/#.#.#/.#.#.",
        /* 'X' */ "#...#/#...#/.#.#./..#../.#.#./#...#/#...#", /* 'Y' */ "#...#/#...#/.#.#./..#../..#../..#../..#..",
        /* 'Z' */ "#####/....#/...#./..#../.#.../#..../#####", /* '[' */ "###/#../#../#../#../#../###",
        /* '\' */ "...../#..../.#.../..#../...#./....#", /* ']' */ "###/..#/..#/..#/..#/..#/###",
        /* '^' */ "..#../.#.#./#...#", /* '_' */ "...../...../...../...../...../...../...../#####",
        /* '`' */ "#../.#.", /* 'a' */ "...../...../.###./....#/.####/#...#/.####",
        /* 'b' */ "#..../#..../#.##./##..#/#...#/#...#/####.", /* 'c' */ "...../...../.###./#..../#..../#...#/.###.",
        /* 'd' */ "....#/....#/.##.#/#..##/#...#/#...#/.####", /* 'e' */ "...../...../.###./#...#/#####/#..../.###.",
        /* 'f' */ "..##./.#..#/.#.../###../.#.../.#.../.#...", /* 'g' */ "...../...../.####/#...#/#...#/.####/....#/#...#/.###.",
        /* 'h' */ "#..../#..../#.##./##..#/#...#/#...#/#...#", /* 'i' */ ".#./.../##./.#./.#./.#./###",
        /* 'j' */ "...#/..../..##/...#/...#/...#/...#/#..#/.##.", /* 'k' */ "#.../#.../#..#/#.#./##../#.#./#..#",
        /* 'l' */ "##./.#./.#./.#./.#./.#./###", /* 'm' */ "...../...../##.#./#.#.#/#.#.#/#.#.#/#.#.#",
        /* 'n' */ "...../...../#.##./##..#/#...#/#...#/#...#", /* 'o' */ "...../...../.###./#...#/#...#/#...#/.###.",
        /* 'p' */ "...../...../####./#...#/#...#/#...#/####./#..../#....", /* 'q' */ "...../...../.####/#...#/#...#/#...#/.####/....#/....#",
        /* 'r' */ "...../...../#.##./##..#/#..../#..../#....", /* 's' */ "...../...../.####/#..../.###./....#/####.",
        /* 't' */ ".#.../.#.../###../.#.../.#.../.#..#/..##.", /* 'u' */ "...../...../#...#/#...#/#...#/#..##/.##.#",
        /* 'v' */ "...../...../#...#/#...#/#...#/.#.#./..#..", /* 'w' */ "...../...../#...#/#...#/#.#.#/#.#.#/.#.#.",
        /* 'x' */ "...../...../#...#/.#.#./..#../.#.#./#...#", /* 'y' */ "...../...../#...#/#...#/#...#/.####/....#/#...#/.###.",
        /* 'z' */ "...../...../#####/...#./..#../.#.../#####", /* '{' */ "..#/.#./.#./#../.#./.#./..#",
        /* '|' */ "#/#/#/#/#/#/#/#/#", /* '}' */ "#../.#./.#./..#/.#./.#./#..",
        /* '~' */ "...../...../.#.../#.#.#/...#.",
    ]
    // swiftlint:enable line_length

    /// Decoded glyphs for codes 32...126.
    static let glyphs: [Glyph] = source.enumerated().map { index, text in
        let code = index + 32
        var rows = [UInt8](repeating: 0, count: 9)
        var columns = 0
        for (r, line) in text.split(separator: "/", omittingEmptySubsequences: false).enumerated() where r < 9 {
            var bits: UInt8 = 0
            for (c, ch) in line.enumerated() where c < 5 && ch == "#" { bits |= 1 << UInt8(4 - c) }
            columns = max(columns, line.count)
            rows[r] = bits
        }
        // Glyphs written narrower than 5 columns are left-aligned: shift to the left edge.
        let union = rows.reduce(0, |)
        if code == 32 { return Glyph(rows: rows, firstColumn: 0, width: 3) }
        let isDigit = (48...57).contains(code)
        if isDigit || union == 0 { return Glyph(rows: rows, firstColumn: 0, width: 5) }
        var first = 0
        while first < 5 && union & (1 << UInt8(4 - first)) == 0 { first += 1 }
        var last = 4
        while last > first && union & (1 << UInt8(4 - last)) == 0 { last -= 1 }
        return Glyph(rows: rows, firstColumn: first, width: last - first + 1)
    }

    /// The glyph for a character: ASCII as drawn, a few look-alikes mapped, anything else as `?`.
    static func glyph(for ch: Character) -> Glyph {
        var code = 63
        if let scalar = ch.unicodeScalars.first, ch.unicodeScalars.count == 1 {
            switch scalar.value {
            case 32...126: code = Int(scalar.value)
            case 0x2212, 0x2013, 0x2014: code = 45     // minus, en dash, em dash → '-'
            case 0xD7: code = 120                      // multiplication sign → 'x'
            case 0x2019, 0x2018: code = 39             // curly quotes → '''
            case 0x201C, 0x201D: code = 34
            case 9: code = 32                          // tab → space
            default: code = 63
            }
        }
        return glyphs[code - 32]
    }

    /// Advance of one glyph including the space after it, at scale 1.
    static func advance(_ g: Glyph) -> Int { g.width + 1 }
}

/// The size of a piece of text in pixels.
public struct TextSize: Equatable, Sendable {
    /// Width of the widest line, without trailing spacing.
    public var width: Int
    /// From the top of the first line's capitals to the bottom of the last line's descenders.
    public var height: Int
    /// From the top of the capitals to the baseline of the first line.
    public var ascent: Int
}

extension BitmapFont {
    /// Measures `text` at a whole-number `scale` (lines split at "\n").
    public static func measure(_ text: String, scale: Int = 1) -> TextSize {
        let s = max(1, scale)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var width = 0
        for line in lines {
            var w = 0
            for ch in line { w += advance(glyph(for: ch)) }
            width = max(width, max(0, w - 1))
        }
        let n = max(1, lines.count)
        let height = (ascent + descent) + (n - 1) * lineHeight
        return TextSize(width: width * s, height: height * s, ascent: ascent * s)
    }
}

extension BitmapFont {
    /// A glyph's inked columns as a bitmap at a whole-number scale, row-major, `width * scale` wide and `9 * scale` tall.
    ///
    /// Scales 2 and 4 use the EPX ("Scale2x") rule and scale 3 its 3× form, which round off the
    /// stair steps of diagonals instead of just enlarging them; other scales repeat pixels.
    static func bitmap(_ g: Glyph, scale: Int) -> [Bool] {
        var w = g.width, h = 9
        var bits = [Bool](repeating: false, count: w * h)
        for r in 0..<h {
            for c in 0..<w { bits[r * w + c] = g.rows[r] & (1 << UInt8(4 - (c + g.firstColumn))) != 0 }
        }
        var remaining = max(1, scale)
        while remaining > 1 {
            if remaining % 2 == 0 {
                bits = scale2x(bits, w, h); w *= 2; h *= 2; remaining /= 2
            } else if remaining % 3 == 0 {
                bits = scale3x(bits, w, h); w *= 3; h *= 3; remaining /= 3
            } else {
                bits = repeatPixels(bits, w, h, remaining); w *= remaining; h *= remaining; remaining = 1
            }
        }
        return bits
    }

    private static func at(_ b: [Bool], _ w: Int, _ h: Int, _ x: Int, _ y: Int) -> Bool {
        x >= 0 && y >= 0 && x < w && y < h && b[y * w + x]
    }

    static func scale2x(_ b: [Bool], _ w: Int, _ h: Int) -> [Bool] {
        var out = [Bool](repeating: false, count: 4 * w * h)
        for y in 0..<h {
            for x in 0..<w {
                let p = b[y * w + x]
                let a = at(b, w, h, x, y - 1), bb = at(b, w, h, x + 1, y)
                let c = at(b, w, h, x - 1, y), d = at(b, w, h, x, y + 1)
                var e0 = p, e1 = p, e2 = p, e3 = p
                if c == a && c != d && a != bb { e0 = a }
                if a == bb && a != c && bb != d { e1 = bb }
                if d == c && d != bb && c != a { e2 = c }
                if bb == d && bb != a && d != c { e3 = d }
                let o = 2 * y * 2 * w + 2 * x
                out[o] = e0; out[o + 1] = e1; out[o + 2 * w] = e2; out[o + 2 * w + 1] = e3
            }
        }
        return out
    }

    static func scale3x(_ b: [Bool], _ w: Int, _ h: Int) -> [Bool] {
        var out = [Bool](repeating: false, count: 9 * w * h)
        for y in 0..<h {
            for x in 0..<w {
                let e = b[y * w + x]
                let a = at(b, w, h, x - 1, y - 1), bb = at(b, w, h, x, y - 1), c = at(b, w, h, x + 1, y - 1)
                let d = at(b, w, h, x - 1, y), f = at(b, w, h, x + 1, y)
                let g = at(b, w, h, x - 1, y + 1), hh = at(b, w, h, x, y + 1), i = at(b, w, h, x + 1, y + 1)
                var o = [Bool](repeating: e, count: 9)
                if bb != hh && d != f {
                    o[0] = d == bb ? d : e
                    o[1] = (d == bb && e != c) || (bb == f && e != a) ? bb : e
                    o[2] = bb == f ? f : e
                    o[3] = (d == bb && e != g) || (d == hh && e != a) ? d : e
                    o[5] = (bb == f && e != i) || (hh == f && e != c) ? f : e
                    o[6] = d == hh ? d : e
                    o[7] = (d == hh && e != i) || (hh == f && e != g) ? hh : e
                    o[8] = hh == f ? f : e
                }
                for k in 0..<9 { out[(3 * y + k / 3) * 3 * w + 3 * x + k % 3] = o[k] }
            }
        }
        return out
    }

    static func repeatPixels(_ b: [Bool], _ w: Int, _ h: Int, _ f: Int) -> [Bool] {
        var out = [Bool](repeating: false, count: f * f * w * h)
        for y in 0..<(h * f) { for x in 0..<(w * f) { out[y * w * f + x] = b[(y / f) * w + x / f] } }
        return out
    }
}
