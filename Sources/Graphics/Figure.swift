/// A picture to show or save: a plot, a heatmap or an image grid, with a title and a size.
///
/// Rendering is a pure function of the value: the same figure always gives the same pixels and
/// the same PNG bytes.
public struct Figure: Equatable, Sendable {
    /// What the figure shows.
    public enum Content: Equatable, Sendable {
        case plot(Plot)
        case heatmap(Heatmap)
        case imageGrid(ImageGrid)
        /// Several figures side by side, `columns` per row, each with its own title and size.
        case panels([Figure], columns: Int)
    }

    public var content: Content
    public var title: String?
    /// Width in pixels; nil is 640 (times `scale`) for plots and the content's natural size for heatmaps and grids.
    public var width: Int?
    /// Height in pixels; nil is 480 (times `scale`) for plots and the content's natural size for heatmaps and grids.
    public var height: Int?
    /// Whole-number scale of everything drawn: text, lines, markers, spacing and the default size
    /// (2 gives the same figure at twice the resolution).
    public var scale: Int

    /// A figure of any content; `width` and `height` override the default size.
    public init(_ content: Content, title: String? = nil, width: Int? = nil, height: Int? = nil, scale: Int = 1) {
        self.content = content; self.title = title; self.width = width; self.height = height
        self.scale = scale
    }

    /// The scale actually used (1...8).
    var effectiveScale: Int { max(1, min(8, scale)) }

    /// A plot figure.
    public init(_ plot: Plot, title: String? = nil, width: Int? = nil, height: Int? = nil) {
        self.init(.plot(plot), title: title, width: width, height: height)
    }

    /// Largest side accepted, to keep a mistaken size from exhausting memory.
    public static let maximumSide = 8192

    /// The size the figure renders at.
    public var size: (width: Int, height: Int) {
        let natural: (Int, Int)
        switch content {
        case .plot: natural = (640 * effectiveScale, 480 * effectiveScale)
        case .heatmap(let h): natural = HeatmapRenderer(map: h, title: title, textScale: effectiveScale).naturalSize()
        case .imageGrid(let g): natural = ImageGridRenderer(grid: g, title: title, textScale: effectiveScale).naturalSize()
        case .panels(let figures, let columns): natural = PanelLayout(figures: figures, columns: columns, title: title, scale: effectiveScale).naturalSize()
        }
        let w = min(Figure.maximumSide, max(16, width ?? natural.0))
        let h = min(Figure.maximumSide, max(16, height ?? natural.1))
        return (w, h)
    }

    /// Draws the figure onto a new white canvas.
    public func render() -> RGBAImage {
        let (w, h) = size
        var image = RGBAImage(width: w, height: h, fill: Style.background)
        draw(on: &image, in: Rect(x: 0, y: 0, width: Double(w), height: Double(h)))
        return image
    }

    /// Draws the figure into `frame` of an existing canvas (the background is left as it is).
    func draw(on image: inout RGBAImage, in frame: Rect) {
        let ts = effectiveScale
        switch content {
        case .plot(let p): PlotRenderer(plot: p, title: title, textScale: ts).draw(on: &image, in: frame)
        case .heatmap(let m): HeatmapRenderer(map: m, title: title, textScale: ts).draw(on: &image, in: frame)
        case .imageGrid(let g): ImageGridRenderer(grid: g, title: title, textScale: ts).draw(on: &image, in: frame)
        case .panels(let figures, let columns):
            PanelLayout(figures: figures, columns: columns, title: title, scale: ts).draw(on: &image, in: frame)
        }
    }

    /// The figure as PNG bytes (8-bit RGB).
    public func pngData() -> [UInt8] { render().pngData(alpha: false) }

    /// Saves the figure as a PNG file, atomically (a temporary file, then a rename).
    public func save(to path: String) throws { try savePNG(pngData(), to: path) }
}

extension Figure {
    /// A line chart of several series (legend from their labels).
    public static func lines(_ series: [Series], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                             xScale: AxisScale = .linear, yScale: AxisScale = .linear,
                             width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(Plot(series: series, xLabel: xLabel, yLabel: yLabel, xScale: xScale, yScale: yScale),
               title: title, width: width, height: height)
    }

    /// A scatter plot of (x, y) points.
    public static func scatter(x: [Double], y: [Double], title: String? = nil, xLabel: String? = nil,
                               yLabel: String? = nil, marker: Marker = .dot, width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(Plot(series: [.scatter(x: x, y: y, marker: marker)], xLabel: xLabel, yLabel: yLabel),
               title: title, width: width, height: height)
    }

    /// A bar chart with one bar per category.
    public static func bars(_ values: [Double], categories: [String]? = nil, title: String? = nil,
                            xLabel: String? = nil, yLabel: String? = nil, valueLabels: Bool = false,
                            color: Color? = nil, width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(Plot(series: [.bars(values, color: color, valueLabels: valueLabels)], xLabel: xLabel, yLabel: yLabel,
                    categories: categories, grid: false),
               title: title, width: width, height: height)
    }

    /// A histogram of values in equal-width bins.
    public static func histogram(_ values: [Double], bins: Int = 10, range: ClosedRange<Double>? = nil,
                                 title: String? = nil, xLabel: String? = nil, yLabel: String? = "count",
                                 width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(Plot(series: [Histogram(values, bins: bins, range: range).series()], xLabel: xLabel, yLabel: yLabel, grid: false),
               title: title, width: width, height: height)
    }

    /// A heatmap figure.
    public static func heatmap(_ map: Heatmap, title: String? = nil, width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(.heatmap(map), title: title, width: width, height: height)
    }

    /// Figures side by side (e.g. loss and accuracy), `columns` per row; sized by the panels unless a size is given.
    public static func panels(_ figures: [Figure], columns: Int? = nil, title: String? = nil,
                              width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(.panels(figures, columns: columns ?? max(1, figures.count)), title: title, width: width, height: height)
    }

    /// An image grid figure, sized by its content unless a size is given.
    public static func grid(_ grid: ImageGrid, title: String? = nil, width: Int? = nil, height: Int? = nil) -> Figure {
        Figure(.imageGrid(grid), title: title, width: width, height: height)
    }
}

/// Lays out figures in rows and columns under an optional overall title.
struct PanelLayout {
    let figures: [Figure]
    let columns: Int
    let title: String?
    let scale: Int

    private var cols: Int { max(1, min(columns, max(1, figures.count))) }
    private var rows: Int { max(1, (figures.count + cols - 1) / cols) }
    private var cellWidth: Int { figures.map(\.size.width).max() ?? 16 }
    private var cellHeight: Int { figures.map(\.size.height).max() ?? 16 }
    private var titleHeight: Int {
        guard let t = title, !t.isEmpty else { return 0 }
        return BitmapFont.measure(t, scale: scale + 1).height + Int(Style.outerPad + Style.titlePad) * scale
    }

    func naturalSize() -> (Int, Int) {
        (cols * cellWidth, titleHeight + rows * cellHeight)
    }

    func draw(on image: inout RGBAImage, in frame: Rect) {
        if let t = title, !t.isEmpty {
            image.drawText(t, at: Point(frame.minX + frame.width / 2, frame.minY + Style.outerPad * Double(scale)),
                           scale: scale + 1, color: Style.text, align: .center)
        }
        // Panels share the frame's space equally when the figure was given a size of its own.
        let (nw, nh) = naturalSize()
        let sx = frame.width / Double(max(1, nw)), sy = (frame.height - Double(titleHeight)) / Double(max(1, nh - titleHeight))
        for (i, figure) in figures.enumerated() {
            let r = i / cols, c = i % cols
            let size = figure.size
            let w = (Double(cellWidth) * sx).rounded(.down), h = (Double(cellHeight) * sy).rounded(.down)
            let x = frame.minX + Double(c) * w, y = frame.minY + Double(titleHeight) + Double(r) * h
            let fw = min(w, Double(size.width) * sx).rounded(.down), fh = min(h, Double(size.height) * sy).rounded(.down)
            figure.draw(on: &image, in: Rect(x: x + ((w - fw) / 2).rounded(.down), y: y, width: fw, height: fh))
        }
    }
}
