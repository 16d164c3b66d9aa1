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
                let bitmap = BitmapFont.bitmap(g, scale: s)
                let bw = g.width * s
                for v0 in 0..<(9 * s) {
                    for u0 in 0..<bw where bitmap[v0 * bw + u0] {
                        let u = pen * s + u0, v = lineTop * s + v0
                        if rotated {
                            // (u, v) in text space → x = v, y = (textWidth - 1 - u)
                            blend(x: ox + v, y: oy + size.width - 1 - u, color)
                        } else {
                            blend(x: ox + u, y: oy + v, color)
                        }
                    }
                }
                pen += BitmapFont.advance(g)
            }
        }
        return Rect(x: left, y: top, width: horizontalExtent, height: verticalExtent)
    }
}
