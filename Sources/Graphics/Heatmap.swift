/// A grid of numbers shown as coloured cells, with the numbers written in them: confusion matrices and the like.
public struct Heatmap: Equatable, Sendable {
    /// The values, one array per row (top row first); short rows are padded with missing cells.
    public var values: [[Double]]
    /// Names of the rows, shown at the left.
    public var rowLabels: [String]?
    /// Names of the columns, shown below.
    public var columnLabels: [String]?
    public var xLabel: String?
    public var yLabel: String?
    public var colorMap: ColorMap
    /// Fixed value range for the colours; nil uses the finite values' minimum and maximum.
    public var range: ClosedRange<Double>?
    /// Whether each cell shows its number.
    public var showValues: Bool
    /// Digits after the point in cell numbers; nil shows integers as integers and others with 2 decimals.
    public var decimals: Int?
    /// Whether a colour scale is drawn at the right.
    public var colorBar: Bool

    /// A heatmap of `values` (rows of numbers) with optional labels.
    public init(_ values: [[Double]], rowLabels: [String]? = nil, columnLabels: [String]? = nil,
                xLabel: String? = nil, yLabel: String? = nil, colorMap: ColorMap = .viridis,
                range: ClosedRange<Double>? = nil, showValues: Bool = true, decimals: Int? = nil,
                colorBar: Bool = true) {
        self.values = values; self.rowLabels = rowLabels; self.columnLabels = columnLabels
        self.xLabel = xLabel; self.yLabel = yLabel; self.colorMap = colorMap; self.range = range
        self.showValues = showValues; self.decimals = decimals; self.colorBar = colorBar
    }

    /// A confusion matrix: rows are true classes, columns predicted ones, counts in the cells.
    public static func confusionMatrix(_ counts: [[Double]], classes: [String]) -> Heatmap {
        Heatmap(counts, rowLabels: classes, columnLabels: classes, xLabel: "Predicted label",
                yLabel: "True label", colorMap: .blues)
    }

    var rowCount: Int { values.count }
    var columnCount: Int { values.map(\.count).max() ?? 0 }

    func value(_ r: Int, _ c: Int) -> Double {
        c < values[r].count ? values[r][c] : .nan
    }

    /// The colour range: the fixed one if usable, else the finite values' extent (a unit range if flat or empty).
    func colorRange() -> ClosedRange<Double> {
        if let r = range, r.lowerBound.isFinite, r.upperBound.isFinite, r.upperBound > r.lowerBound { return r }
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
        return hi > lo ? lo...hi : (lo - 0.5)...(lo + 0.5)
    }

    /// The colour of a value under this map and range (missing values get light gray).
    public func color(for v: Double) -> Color {
        guard v.isFinite else { return Style.missing }
        let r = colorRange()
        return colorMap.color(at: (v - r.lowerBound) / (r.upperBound - r.lowerBound))
    }

    /// The text written in a cell holding `v`.
    public func cellText(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        if let d = decimals { return Ticks.format(v, decimals: d) }
        let allIntegral = values.allSatisfy { $0.allSatisfy { !$0.isFinite || $0 == $0.rounded() } }
        if allIntegral { return Ticks.format(v, decimals: 0) }
        return Ticks.format(v, decimals: 2)
    }
}

/// Lays out and draws a `Heatmap`.
struct HeatmapRenderer: ScaledLayout {
    let map: Heatmap
    let title: String?
    let textScale: Int

    /// The figure size that shows every cell comfortably.
    func naturalSize() -> (Int, Int) {
        let cell = cellSize()
        let (left, top, right, bottom) = margins(cell: cell)
        var w = left + cell * Double(map.columnCount) + right
        if let t = title, !t.isEmpty { w = max(w, Double(BitmapFont.measure(t, scale: textScale + 1).width) + 2 * outerPad) }
        let h = top + cell * Double(map.rowCount) + bottom
        return (Int(max(200, w).rounded()), Int(max(150, h).rounded()))
    }

    private func cellSize() -> Double {
        var widest = 0.0
        if map.showValues {
            for r in 0..<map.rowCount { for c in 0..<map.columnCount {
                widest = max(widest, Double(BitmapFont.measure(map.cellText(map.value(r, c)), scale: textScale).width))
            } }
        }
        return max(48 * s, widest + 16 * s).rounded()
    }

    private func columnLabelsRotated(cell: Double) -> Bool {
        let widest = (map.columnLabels ?? []).map { Double(BitmapFont.measure($0, scale: textScale).width) }.max() ?? 0
        return widest + 4 * s > cell
    }

    private func margins(cell: Double) -> (Double, Double, Double, Double) {
        let lineH = Double(BitmapFont.ascent + BitmapFont.descent) * s
        let rowLabelW = (map.rowLabels ?? []).map { Double(BitmapFont.measure($0, scale: textScale).width) }.max() ?? 0
        var left = outerPad + rowLabelW + tickLength + tickPad
        if let y = map.yLabel, !y.isEmpty { left += lineH + labelPad }
        var top = outerPad + 4 * s
        if let t = title, !t.isEmpty { top += Double(BitmapFont.measure(t, scale: textScale + 1).height) + titlePad - 4 * s }
        let colLabelH: Double
        if map.columnLabels != nil {
            colLabelH = columnLabelsRotated(cell: cell)
                ? (map.columnLabels ?? []).map { Double(BitmapFont.measure($0, scale: textScale).width) }.max() ?? 0
                : Double(BitmapFont.ascent) * s
        } else { colLabelH = 0 }
        var bottom = outerPad + tickLength + tickPad + colLabelH
        if let x = map.xLabel, !x.isEmpty { bottom += labelPad + lineH }
        var right = outerPad + 6 * s
        if map.colorBar { right += colorBarWidth() }
        return (left, top, right, bottom)
    }

    private func colorBarWidth() -> Double {
        let r = map.colorRange()
        let ticks = Ticks.linear(from: r.lowerBound, to: r.upperBound, target: 5)
        let labelW = ticks.map { Double(BitmapFont.measure($0.label, scale: textScale).width) }.max() ?? 0
        return 14 * s + 16 * s + tickLength + tickPad + labelW
    }

    func draw(on image: inout RGBAImage, in frame: Rect) {
        let rows = map.rowCount, cols = map.columnCount
        let natural = cellSize()
        let (left, top, right, bottom) = margins(cell: natural)
        let availW = frame.width - left - right, availH = frame.height - top - bottom
        let cell = max(4, min(availW / Double(max(1, cols)), availH / Double(max(1, rows))).rounded(.down))
        let gridW = cell * Double(cols), gridH = cell * Double(rows)
        let ox = (frame.minX + left + max(0, (availW - gridW) / 2)).rounded()
        let oy = (frame.minY + top + max(0, (availH - gridH) / 2)).rounded()
        let area = Rect(x: ox, y: oy, width: gridW, height: gridH)

        for r in 0..<rows {
            for c in 0..<cols {
                let v = map.value(r, c)
                let fill = map.color(for: v)
                let cellRect = Rect(x: ox + Double(c) * cell, y: oy + Double(r) * cell, width: cell, height: cell)
                image.fillRect(cellRect, color: fill)
                if map.showValues && cell >= 12 * s {
                    let text = map.cellText(v)
                    let ink = fill.luminance < 0.5 ? Color.white : Style.text
                    image.drawText(text, at: Point(cellRect.minX + cell / 2, cellRect.minY + cell / 2), scale: textScale,
                                   color: ink, align: .center, vertical: .middle)
                }
            }
        }
        if rows > 0 && cols > 0 {
            image.strokeRect(Rect(x: area.minX - lw / 2, y: area.minY - lw / 2, width: area.width + lw, height: area.height + lw), width: lw, color: Style.spine)
        }
        let rotated = columnLabelsRotated(cell: natural) && columnLabelsRotated(cell: cell)
        if let labels = map.columnLabels {
            for (c, label) in labels.prefix(cols).enumerated() {
                let px = (ox + (Double(c) + 0.5) * cell).rounded(.down)
                image.fillRect(Rect(x: px, y: area.maxY + lw, width: lw, height: tickLength), color: Style.tick)
                image.drawText(label, at: Point(px + lw / 2, area.maxY + lw + tickLength + tickPad), scale: textScale,
                               color: Style.text, align: .center, vertical: .top, rotated: rotated)
            }
        }
        if let labels = map.rowLabels {
            for (r, label) in labels.prefix(rows).enumerated() {
                let py = (oy + (Double(r) + 0.5) * cell).rounded(.down)
                image.fillRect(Rect(x: area.minX - lw - tickLength, y: py, width: tickLength, height: lw), color: Style.tick)
                image.drawText(label, at: Point(area.minX - lw - tickLength - tickPad, py + lw / 2), scale: textScale,
                               color: Style.text, align: .right, vertical: .middle)
            }
        }
        if let label = map.xLabel, !label.isEmpty {
            var y = area.maxY + lw + tickLength + tickPad + labelPad
            if map.columnLabels != nil {
                y += rotated ? ((map.columnLabels ?? []).map { Double(BitmapFont.measure($0, scale: textScale).width) }.max() ?? 0)
                    : Double(BitmapFont.ascent) * s
            }
            image.drawText(label, at: Point(area.minX + area.width / 2, y), scale: textScale, color: Style.text, align: .center)
        }
        if let label = map.yLabel, !label.isEmpty {
            image.drawText(label, at: Point(frame.minX + outerPad, area.minY + area.height / 2), scale: textScale,
                           color: Style.text, align: .left, vertical: .middle, rotated: true)
        }
        if let t = title, !t.isEmpty {
            image.drawText(t, at: Point(area.minX + area.width / 2, frame.minY + outerPad), scale: textScale + 1,
                           color: Style.text, align: .center)
        }
        if map.colorBar && rows > 0 && cols > 0 {
            drawColorBar(on: &image, x: area.maxX + 14 * s, top: area.minY, height: area.height)
        }
    }

    private func drawColorBar(on image: inout RGBAImage, x: Double, top: Double, height: Double) {
        let r = map.colorRange()
        let w = 16 * s
        let h = Int(height)
        for i in 0..<h {
            let t = 1 - (Double(i) + 0.5) / Double(h)
            image.fillRect(Rect(x: x, y: top + Double(i), width: w, height: 1), color: map.colorMap.color(at: t))
        }
        image.strokeRect(Rect(x: x - lw / 2, y: top - lw / 2, width: w + lw, height: height + lw), width: lw, color: Style.spine)
        let axis = AxisMap(lo: r.lowerBound, hi: r.upperBound, scale: .linear, start: top + height, end: top)
        for t in axis.ticks(target: max(4, Int(height / (45 * s)))) {
            let py = min(top + height - lw, axis.position(t.value).rounded(.down))
            image.fillRect(Rect(x: x + w + lw, y: py, width: tickLength, height: lw), color: Style.tick)
            image.drawText(t.label, at: Point(x + w + lw + tickLength + tickPad, py + lw / 2), scale: textScale,
                           color: Style.text, align: .left, vertical: .middle)
        }
    }
}
