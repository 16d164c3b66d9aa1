/// Maps data values on one axis to pixel positions.
struct AxisMap {
    var lo: Double, hi: Double
    var scale: AxisScale
    /// Pixel positions of `lo` and `hi` (for a y axis, `start` is the bottom).
    var start: Double, end: Double

    func position(_ v: Double) -> Double {
        let t: Double
        switch scale {
        case .linear: t = (v - lo) / (hi - lo)
        case .log: t = (Ticks.log10(v) - Ticks.log10(lo)) / (Ticks.log10(hi) - Ticks.log10(lo))
        }
        return start + t * (end - start)
    }

    func ticks(target: Int) -> [Tick] {
        switch scale {
        case .linear: return Ticks.linear(from: lo, to: hi, target: target)
        case .log: return Ticks.log(from: lo, to: hi, target: target)
        }
    }
}

/// Lays out and draws a `Plot` onto a canvas: axes frame, grid, ticks, labels, series, legend.
struct PlotRenderer: ScaledLayout {
    let plot: Plot
    let title: String?
    let textScale: Int

    /// Colour of series `i`: its own, or the cycle's `i`-th.
    func color(_ i: Int) -> Color { plot.series[i].color ?? Color.series(i) }

    /// Data limits for each axis, padded, honouring fixed limits and bars' zero baseline.
    func limits() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        var xs: [Double] = [], ys: [Double] = []
        var hasBars = false, barsNonNegative = true, barsNonPositive = true, valueLabels = false
        for series in plot.series {
            for (x, y) in series.drawablePoints(xScale: plot.xScale, yScale: plot.kindScaleForLimits(series)) {
                if series.kind == .bar {
                    let half = series.barWidth / 2
                    for e in [x - half, x + half] where Series.isDrawable(e, plot.xScale) { xs.append(e) }
                    hasBars = true
                    if y < 0 { barsNonNegative = false }
                    if y > 0 { barsNonPositive = false }
                    if series.valueLabels { valueLabels = true }
                    if Series.isDrawable(y, plot.yScale) { ys.append(y) }
                } else {
                    xs.append(x); ys.append(y)
                }
            }
        }
        if let cats = plot.categories, !cats.isEmpty, plot.xScale == .linear {
            xs.append(-0.4); xs.append(Double(cats.count - 1) + 0.4)
        }
        var xl = Ticks.limits(xs, scale: plot.xScale)
        if hasBars && plot.xScale == .linear, let lo = xs.min(), let hi = xs.max(), hi > lo {
            let pad = (hi - lo) * 0.03
            xl = (lo - pad)...(hi + pad)
        }
        var yl: ClosedRange<Double>
        if hasBars && plot.yScale == .linear {
            let all = ys + [0]
            yl = Ticks.limits(all, scale: .linear)
            let lo = all.min() ?? 0, hi = all.max() ?? 1
            let span = hi - lo > 0 ? hi - lo : 1
            let top = valueLabels ? 0.12 : 0.05
            yl = (barsNonNegative ? 0 : lo - span * 0.05)...(barsNonPositive ? 0 : hi + span * top)
            if barsNonNegative && barsNonPositive { yl = 0...1 }
        } else {
            yl = Ticks.limits(ys, scale: plot.yScale)
        }
        return (validLimits(plot.xLimits, scale: plot.xScale) ?? xl, validLimits(plot.yLimits, scale: plot.yScale) ?? yl)
    }

    /// User limits that can be used on this scale, or nil.
    private func validLimits(_ r: ClosedRange<Double>?, scale: AxisScale) -> ClosedRange<Double>? {
        guard let r, r.lowerBound.isFinite, r.upperBound.isFinite, r.upperBound > r.lowerBound else { return nil }
        if scale == .log && r.lowerBound <= 0 { return nil }
        return r
    }

    func draw(on image: inout RGBAImage, in frame: Rect) {
        let (xl, yl) = limits()
        let fontH = Double(BitmapFont.ascent) * s
        let lineH = Double(BitmapFont.ascent + BitmapFont.descent) * s

        // Vertical layout first: it does not depend on tick label widths.
        var top = frame.minY + outerPad
        if let t = title, !t.isEmpty {
            top += Double(BitmapFont.measure(t, scale: textScale + 1).height) + titlePad
        } else {
            top += 4 * s
        }
        var bottom = frame.maxY - outerPad - tickLength - tickPad - fontH
        if let xl = plot.xLabel, !xl.isEmpty { bottom -= labelPad + lineH }

        // Category labels may need turning upright when crowded; reserve room before laying out x.
        let categoryLabels = plot.categories ?? []
        let longestCategory = categoryLabels.map { Double(BitmapFont.measure($0, scale: textScale).width) }.max() ?? 0

        var yMap = AxisMap(lo: yl.lowerBound, hi: yl.upperBound, scale: plot.yScale, start: bottom, end: top)
        var yTicks = yMap.ticks(target: max(2, Int((bottom - top) / (55 * s))))
        yTicks = yTicks.filter { $0.value >= yl.lowerBound - 1e-12 * abs(yl.lowerBound) && $0.value <= yl.upperBound + 1e-12 * abs(yl.upperBound) }
        let yLabelWidth = yTicks.map { Double(BitmapFont.measure($0.label, scale: textScale).width) }.max() ?? 0

        var left = frame.minX + outerPad + yLabelWidth + tickPad + tickLength
        if let yl = plot.yLabel, !yl.isEmpty { left += lineH + labelPad }
        let right = frame.maxX - outerPad - 6 * s

        // Turn category labels when they would not fit side by side.
        var rotateCategories = false
        if !categoryLabels.isEmpty {
            let slot = (right - left) / Double(max(1, categoryLabels.count)) * (0.8 / max(0.8, xl.upperBound - xl.lowerBound) * Double(categoryLabels.count))
            if longestCategory + 6 > slot {
                rotateCategories = true
                bottom -= longestCategory - fontH
                yMap.start = bottom
                yTicks = yMap.ticks(target: max(2, Int((bottom - top) / (55 * s))))
            }
        }

        let area = Rect(x: left.rounded(), y: top.rounded(), width: (right - left).rounded(), height: (bottom - top).rounded())
        yMap.start = area.maxY; yMap.end = area.minY
        let xMap = AxisMap(lo: xl.lowerBound, hi: xl.upperBound, scale: plot.xScale, start: area.minX, end: area.maxX)
        var xTicks: [Tick]
        if !categoryLabels.isEmpty {
            xTicks = categoryLabels.enumerated().map { Tick(value: Double($0.offset), label: $0.element, isMajor: true) }
        } else {
            xTicks = xMap.ticks(target: max(2, Int(area.width / (80 * s))))
            // Thin out labels that would overlap.
            let widest = xTicks.map { Double(BitmapFont.measure($0.label, scale: textScale).width) }.max() ?? 0
            let majors = xTicks.filter(\.isMajor)
            if majors.count > 1 {
                let spacing = abs(xMap.position(majors[1].value) - xMap.position(majors[0].value))
                if spacing < widest + 8 * s {
                    let every = max(1, pixelIndex(((widest + 8 * s) / max(1, spacing)).rounded(.up)))
                    var k = 0
                    xTicks = xTicks.map { t in
                        guard t.isMajor else { return t }
                        defer { k += 1 }
                        return k % every == 0 ? t : Tick(value: t.value, label: "", isMajor: true)
                    }
                }
            }
        }
        let inX: (Double) -> Bool = { v in v >= xl.lowerBound - 1e-12 * abs(xl.lowerBound) && v <= xl.upperBound + 1e-12 * abs(xl.upperBound) }
        let inY: (Double) -> Bool = { v in v >= yl.lowerBound - 1e-12 * abs(yl.lowerBound) && v <= yl.upperBound + 1e-12 * abs(yl.upperBound) }
        xTicks = xTicks.filter { inX($0.value) }
        yTicks = yTicks.filter { inY($0.value) }
        if !rotateCategories {
            xTicks = withoutOverlaps(xTicks, position: xMap.position, gap: 8 * s) {
                Double(BitmapFont.measure($0, scale: self.textScale).width)
            }
        }
        yTicks = withoutOverlaps(yTicks, position: yMap.position, gap: 4 * s) { _ in
            Double(BitmapFont.ascent) * self.s
        }

        // Grid.
        if plot.grid {
            for t in xTicks where t.isMajor {
                let px = xMap.position(t.value).rounded(.down)
                image.fillRect(Rect(x: px, y: area.minY, width: lw, height: area.height), color: Style.gridLine)
            }
            for t in yTicks where t.isMajor {
                let py = yMap.position(t.value).rounded(.down)
                image.fillRect(Rect(x: area.minX, y: py, width: area.width, height: lw), color: Style.gridLine)
            }
        }

        // Series, clipped to the axes.
        let clip = area
        for (i, series) in plot.series.enumerated() {
            drawSeries(series, color: color(i), xMap: xMap, yMap: yMap, clip: clip, yLimits: yl, on: &image)
        }

        // Frame.
        let spine = Style.spine
        image.fillRect(Rect(x: area.minX - lw, y: area.minY - lw, width: area.width + 2 * lw, height: lw), color: spine)
        image.fillRect(Rect(x: area.minX - lw, y: area.maxY, width: area.width + 2 * lw, height: lw), color: spine)
        image.fillRect(Rect(x: area.minX - lw, y: area.minY - lw, width: lw, height: area.height + 2 * lw), color: spine)
        image.fillRect(Rect(x: area.maxX, y: area.minY - lw, width: lw, height: area.height + 2 * lw), color: spine)

        // Ticks and their labels.
        for t in xTicks {
            let px = xMap.position(t.value).rounded(.down)
            let len = t.isMajor ? tickLength : tickLength * 0.5
            image.fillRect(Rect(x: px, y: area.maxY + lw, width: lw, height: len), color: Style.tick)
            if !t.label.isEmpty {
                let y = area.maxY + lw + tickLength + tickPad
                if rotateCategories {
                    image.drawText(t.label, at: Point(px + lw / 2, y), scale: textScale, color: Style.text,
                                   align: .center, vertical: .top, rotated: true)
                } else {
                    image.drawText(t.label, at: Point(px + lw / 2, y), scale: textScale, color: Style.text, align: .center)
                }
            }
        }
        for t in yTicks {
            let py = yMap.position(t.value).rounded(.down)
            let len = t.isMajor ? tickLength : tickLength * 0.5
            image.fillRect(Rect(x: area.minX - lw - len, y: py, width: len, height: lw), color: Style.tick)
            if !t.label.isEmpty {
                image.drawText(t.label, at: Point(area.minX - lw - tickLength - tickPad, py + lw / 2),
                               scale: textScale, color: Style.text, align: .right, vertical: .middle)
            }
        }

        // Axis labels and title.
        if let label = plot.xLabel, !label.isEmpty {
            var y = area.maxY + lw + tickLength + tickPad + fontH + labelPad
            if rotateCategories { y += longestCategory - fontH }
            image.drawText(label, at: Point(area.minX + area.width / 2, y), scale: textScale, color: Style.text, align: .center)
        }
        if let label = plot.yLabel, !label.isEmpty {
            image.drawText(label, at: Point(frame.minX + outerPad, area.minY + area.height / 2),
                           scale: textScale, color: Style.text, align: .left, vertical: .middle, rotated: true)
        }
        if let t = title, !t.isEmpty {
            image.drawText(t, at: Point(area.minX + area.width / 2, frame.minY + outerPad),
                           scale: textScale + 1, color: Style.text, align: .center)
        }

        if plot.legend != .none {
            drawLegend(on: &image, area: area, xMap: xMap, yMap: yMap)
        }
    }

    /// The ticks with labels blanked where they would overlap a label already placed (majors placed first).
    private func withoutOverlaps(_ ticks: [Tick], position: (Double) -> Double, gap: Double,
                                 extent: (String) -> Double) -> [Tick] {
        var placed: [(Double, Double)] = []
        var out = ticks
        for pass in [true, false] {
            for (i, t) in ticks.enumerated() where t.isMajor == pass && !t.label.isEmpty {
                let p = position(t.value), half = extent(t.label) / 2 + gap / 2
                let span = (p - half, p + half)
                if placed.contains(where: { $0.0 < span.1 && span.0 < $0.1 }) {
                    out[i].label = ""
                } else {
                    placed.append(span)
                }
            }
        }
        return out
    }

    private func drawSeries(_ series: Series, color: Color, xMap: AxisMap, yMap: AxisMap, clip: Rect,
                            yLimits: ClosedRange<Double>, on image: inout RGBAImage) {
        let n = min(series.x.count, series.y.count)
        switch series.kind {
        case .line:
            // Undrawable points become gaps; runs of drawable ones become polylines.
            var run: [Point] = []
            func flush() {
                if run.count >= 2 {
                    image.drawPolyline(run, width: series.lineWidth * s, color: color, clip: clip)
                } else if run.count == 1 && series.marker == nil {
                    image.drawMarker(.dot, at: run[0], size: series.lineWidth * 1.5 * s, color: color, clip: clip)
                }
                run.removeAll()
            }
            for i in 0..<n {
                let x = series.x[i], y = series.y[i]
                if Series.isDrawable(x, plot.xScale) && Series.isDrawable(y, plot.yScale) {
                    run.append(Point(xMap.position(x), yMap.position(y)))
                } else {
                    flush()
                }
            }
            flush()
            if let m = series.marker {
                for (x, y) in series.drawablePoints(xScale: plot.xScale, yScale: plot.yScale) {
                    image.drawMarker(m, at: Point(xMap.position(x), yMap.position(y)), size: series.markerSize * s, color: color, clip: clip)
                }
            }
        case .scatter:
            let m = series.marker ?? .dot
            for (x, y) in series.drawablePoints(xScale: plot.xScale, yScale: plot.yScale) {
                image.drawMarker(m, at: Point(xMap.position(x), yMap.position(y)), size: series.markerSize * s, color: color, clip: clip)
            }
        case .bar:
            let base = plot.yScale == .log ? yLimits.lowerBound : max(yLimits.lowerBound, min(yLimits.upperBound, 0))
            for (x, y) in series.drawablePoints(xScale: plot.xScale, yScale: plot.yScale) {
                let half = series.barWidth / 2
                guard Series.isDrawable(x - half, plot.xScale) else { continue }
                // Edges snap to whole pixels so touching bars (histograms) meet without seams.
                let x0 = xMap.position(x - half).rounded(), x1 = xMap.position(x + half).rounded()
                let y0 = yMap.position(base).rounded(), y1 = yMap.position(y).rounded()
                let r = Rect(x: min(x0, x1), y: min(y0, y1), width: abs(x1 - x0), height: abs(y1 - y0))
                image.fillRect(r, color: color, clip: clip)
                if series.valueLabels {
                    let label = Ticks.formatCompact(y, significant: 3)
                    let above = y >= base
                    let anchor = Point((x0 + x1) / 2, above ? r.minY - 3 * s : r.maxY + 3 * s)
                    image.drawText(label, at: anchor, scale: textScale, color: Style.text, align: .center,
                                   vertical: above ? .bottom : .top)
                }
            }
        }
    }

    private func drawLegend(on image: inout RGBAImage, area: Rect, xMap: AxisMap, yMap: AxisMap) {
        let entries = plot.series.indices.filter { (plot.series[$0].label ?? "").isEmpty == false }
        guard !entries.isEmpty else { return }
        let sampleW = 22.0 * s, gap = 6.0 * s, pad = 7.0 * s
        let rowH = Double(BitmapFont.ascent + BitmapFont.descent + 4) * s
        let textW = entries.map { Double(BitmapFont.measure(plot.series[$0].label ?? "", scale: textScale).width) }.max() ?? 0
        let boxW = (pad + sampleW + gap + textW + pad).rounded()
        let boxH = (pad * 2 + rowH * Double(entries.count) - 4 * s).rounded()
        let inset = 8.0 * s
        func box(_ p: LegendPosition) -> Rect {
            switch p {
            case .upperLeft: return Rect(x: area.minX + inset, y: area.minY + inset, width: boxW, height: boxH)
            case .lowerLeft: return Rect(x: area.minX + inset, y: area.maxY - inset - boxH, width: boxW, height: boxH)
            case .lowerRight: return Rect(x: area.maxX - inset - boxW, y: area.maxY - inset - boxH, width: boxW, height: boxH)
            default: return Rect(x: area.maxX - inset - boxW, y: area.minY + inset, width: boxW, height: boxH)
            }
        }
        var position = plot.legend
        if position == .auto {
            // Sample every series densely in pixel space and pick the corner covering the fewest samples.
            var samples: [Point] = []
            for series in plot.series {
                let pts = series.drawablePoints(xScale: plot.xScale, yScale: plot.yScale).map { Point(xMap.position($0.0), yMap.position($0.1)) }
                samples += pts
                if series.kind == .line, pts.count > 1 {
                    for i in 1..<pts.count {
                        let a = pts[i - 1], b = pts[i]
                        let steps = min(200, pixelIndex((abs(b.x - a.x) + abs(b.y - a.y)) / 4))
                        if steps > 1 { for k in 1..<steps { let t = Double(k) / Double(steps); samples.append(Point(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))) } }
                    }
                }
                if series.kind == .bar {
                    for (x, y) in series.drawablePoints(xScale: plot.xScale, yScale: plot.yScale) {
                        // Sample only the visible part of the bar.
                        let top = max(area.minY, min(area.maxY, yMap.position(y))), base = yMap.start
                        let half = series.barWidth / 2
                        let x0 = max(area.minX, xMap.position(x - half)), x1 = min(area.maxX, xMap.position(x + half))
                        var yy = min(top, base)
                        while yy <= max(top, base) {
                            var xx = x0
                            while xx <= x1 { samples.append(Point(xx, yy)); xx += 5 }
                            yy += 5
                        }
                    }
                }
            }
            var best = LegendPosition.upperRight, bestCount = Int.max
            for candidate in [LegendPosition.upperRight, .upperLeft, .lowerLeft, .lowerRight] {
                let r = box(candidate)
                let count = samples.reduce(0) { $0 + (r.contains($1) ? 1 : 0) }
                if count < bestCount { best = candidate; bestCount = count }
            }
            position = best
        }
        let r = box(position)
        image.fillRect(r, color: Style.legendFill)
        image.strokeRect(Rect(x: r.minX + lw / 2, y: r.minY + lw / 2, width: r.width - lw, height: r.height - lw), width: lw, color: Style.legendBorder)
        for (row, i) in entries.enumerated() {
            let series = plot.series[i]
            let c = color(i)
            let cy = (r.minY + pad + Double(row) * rowH + Double(BitmapFont.ascent) * s / 2).rounded(.down) + (textScale % 2 == 1 ? 0.5 : 0)
            let sx = r.minX + pad
            switch series.kind {
            case .line:
                image.drawLine(from: Point(sx, cy), to: Point(sx + sampleW, cy), width: series.lineWidth * s, color: c)
                if let m = series.marker { image.drawMarker(m, at: Point(sx + sampleW / 2, cy), size: series.markerSize * s, color: c) }
            case .scatter:
                image.drawMarker(series.marker ?? .dot, at: Point(sx + sampleW / 2, cy), size: series.markerSize * s, color: c)
            case .bar:
                let h = 8.0 * s
                image.fillRect(Rect(x: sx + 2 * s, y: (cy - h / 2).rounded(), width: sampleW - 4 * s, height: h), color: c)
            }
            image.drawText(series.label ?? "", at: Point(sx + sampleW + gap, r.minY + pad + Double(row) * rowH),
                           scale: textScale, color: Style.text)
        }
    }
}

extension Plot {
    /// The y scale used when gathering limits (same as `yScale`; bars on a log axis keep only positive heights).
    func kindScaleForLimits(_ series: Series) -> AxisScale { yScale }
}
