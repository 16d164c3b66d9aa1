/// Where text sits horizontally relative to its anchor point.
public enum HorizontalAlignment: String, Equatable, Sendable {
    case left, center, right
}

/// Where text sits vertically relative to its anchor point.
public enum VerticalAlignment: String, Equatable, Sendable {
    /// The anchor is at the top of the capitals.
    case top
    /// The anchor is halfway between the top of the capitals and the baseline.
    case middle
    /// The anchor is on the first line's baseline.
    case baseline
    /// The anchor is at the bottom of the last line's descenders.
    case bottom
}

extension RGBAImage {
    /// Draws text in the built-in bitmap font at a whole-number scale, aligned on (x, y).
    ///
    /// With `rotated` the text runs upwards (turned 90° counter-clockwise), as y-axis labels do;
    /// alignment then applies to the turned text's box. Returns the box the text occupies.
    @discardableResult
    public mutating func drawText(_ text: String, at anchor: Point, scale: Int = 1, color: Color = .black,
                                  align: HorizontalAlignment = .left, vertical: VerticalAlignment = .top,
                                  rotated: Bool = false) -> Rect {
        let s = max(1, scale)
        let size = BitmapFont.measure(text, scale: s)
        guard anchor.isFinite else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        // Box extent along the text's own axes: u runs along the text, v down across it.
        let boxW = Double(size.width), boxH = Double(size.height)
        let (horizontalExtent, verticalExtent) = rotated ? (boxH, boxW) : (boxW, boxH)
        var left: Double
        switch align {
        case .left: left = anchor.x
        case .center: left = anchor.x - horizontalExtent / 2
        case .right: left = anchor.x - horizontalExtent
        }
        var top: Double
        if rotated {
            switch vertical {
            case .top: top = anchor.y
            case .middle, .baseline: top = anchor.y - verticalExtent / 2
            case .bottom: top = anchor.y - verticalExtent
            }
        } else {
            switch vertical {
            case .top: top = anchor.y
            case .middle: top = anchor.y - Double(size.ascent) / 2
            case .baseline: top = anchor.y - Double(size.ascent)
            case .bottom: top = anchor.y - boxH
            }
        }
        left = left.rounded(); top = top.rounded()
        let ox = pixelIndex(left), oy = pixelIndex(top)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (lineIndex, line) in lines.enumerated() {
            var pen = 0   // in font units along the line
            let lineTop = lineIndex * BitmapFont.lineHeight
            for ch in line {
                let g = BitmapFont.glyph(for: ch)
                for row in 0..<9 {
                    let bits = g.rows[row]
                    if bits == 0 { continue }
                    for col in 0..<g.width where bits & (1 << UInt8(4 - (col + g.firstColumn))) != 0 {
                        let u = (pen + col) * s, v = (lineTop + row) * s
                        for dy in 0..<s {
                            for dx in 0..<s {
                                if rotated {
                                    // (u, v) in text space → x = v, y = (textWidth - 1 - u)
                                    blend(x: ox + v + dy, y: oy + size.width - 1 - (u + dx), color)
                                } else {
                                    blend(x: ox + u + dx, y: oy + v + dy, color)
                                }
                            }
                        }
                    }
                }
                pen += BitmapFont.advance(g)
            }
        }
        return Rect(x: left, y: top, width: horizontalExtent, height: verticalExtent)
    }
}
