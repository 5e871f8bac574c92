import Foundation

/// Line plots as hand-written SVG: training curves for the command line, the reproductions and
/// the notebooks, with no plotting library to install.
///
/// ```swift
/// var loss = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "cross-entropy")
/// loss.add(LinePlot.Series(name: "train", points: [(1, 0.52), (2, 0.31), (3, 0.25)]))
/// try SVGFigure(panels: [loss]).write(to: URL(fileURLWithPath: "curves.svg"))
/// ```

/// One chart: axes with ticks and labels, a title, and a polyline per series with a legend.
public struct LinePlot: SVGPanel {
    /// One curve: a name for the legend, its points and its colour.
    public struct Series: Sendable {
        /// The name in the legend.
        public var name: String
        /// `(x, y)` points, drawn in the order given; non-finite points are skipped.
        public var points: [(x: Double, y: Double)]
        /// An SVG colour; `nil` takes the next colour of the palette.
        public var color: String?

        /// A curve through `points`, drawn in `color` (`nil`: the palette's next colour).
        public init(name: String, points: [(x: Double, y: Double)], color: String? = nil) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    /// The chart's title, above the axes.
    public var title: String
    /// The label under the x axis.
    public var xLabel: String
    /// The label beside the y axis.
    public var yLabel: String
    /// The curves, drawn in order.
    public var series: [Series] = []
    /// A fixed y range (`0...1` for accuracies); `nil` fits the data.
    public var yRange: ClosedRange<Double>?
    /// The smallest step between x ticks (1 for epochs, so no tick reads 1.5).
    public var minimumXStep = 0.0
    /// The chart's size in SVG units (pixels), axes and labels included.
    public var width = 420.0, height = 300.0

    /// Matplotlib's first colours, distinguishable by most readers.
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]

    /// An empty chart; add curves to `series`.
    public init(title: String, xLabel: String, yLabel: String, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.yRange = yRange
    }

    /// Adds a curve.
    public mutating func add(_ curve: Series) {
        series.append(curve)
    }

    /// The chart as SVG elements inside a `<g>` shifted to `(x, y)`.
    public func svgGroup(x originX: Double = 0, y originY: Double = 0) -> String {
        let margin = (left: 62.0, right: 16.0, top: 30.0, bottom: 46.0)
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xTicks = Self.ticks(points.map(\.x), fallback: 0...1, minimumStep: minimumXStep)
        let yTicks = yRange.map { Self.ticks([$0.lowerBound, $0.upperBound], fallback: $0) } ?? Self.ticks(points.map(\.y), fallback: 0...1)
        let (xLow, xHigh) = (xTicks.first!, xTicks.last!)
        let (yLow, yHigh) = (yTicks.first!, yTicks.last!)
        func screenX(_ x: Double) -> Double { margin.left + (x - xLow) / (xHigh - xLow) * plotWidth }
        func screenY(_ y: Double) -> Double { margin.top + (1 - (y - yLow) / (yHigh - yLow)) * plotHeight }

        var lines = ["<g transform=\"translate(\(Self.format(originX)),\(Self.format(originY)))\" font-family=\"sans-serif\" font-size=\"11\">"]
        lines.append("<text x=\"\(Self.format(width / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">\(Self.escaped(title))</text>")
        // Grid lines and tick labels.
        for tick in yTicks {
            let y = Self.format(screenY(tick))
            lines.append("<line x1=\"\(Self.format(margin.left))\" y1=\"\(y)\" x2=\"\(Self.format(margin.left + plotWidth))\" y2=\"\(y)\" stroke=\"#e0e0e0\"/>")
            lines.append("<text x=\"\(Self.format(margin.left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Self.label(tick))</text>")
        }
        for tick in xTicks {
            let x = Self.format(screenX(tick))
            lines.append("<line x1=\"\(x)\" y1=\"\(Self.format(margin.top + plotHeight))\" x2=\"\(x)\" y2=\"\(Self.format(margin.top + plotHeight + 4))\" stroke=\"#333\"/>")
            lines.append("<text x=\"\(x)\" y=\"\(Self.format(margin.top + plotHeight + 16))\" text-anchor=\"middle\">\(Self.label(tick))</text>")
        }
        // Axes and their labels.
        lines.append("<polyline class=\"axes\" fill=\"none\" stroke=\"#333\" points=\"\(Self.format(margin.left)),\(Self.format(margin.top)) \(Self.format(margin.left)),\(Self.format(margin.top + plotHeight)) \(Self.format(margin.left + plotWidth)),\(Self.format(margin.top + plotHeight))\"/>")
        lines.append("<text x=\"\(Self.format(margin.left + plotWidth / 2))\" y=\"\(Self.format(height - 8))\" text-anchor=\"middle\">\(Self.escaped(xLabel))</text>")
        let yLabelY = Self.format(margin.top + plotHeight / 2)
        lines.append("<text x=\"14\" y=\"\(yLabelY)\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(yLabelY))\">\(Self.escaped(yLabel))</text>")
        // One polyline per series, a dot per point, and the legend in the top right corner.
        for (index, curve) in series.enumerated() {
            let color = curve.color ?? Self.palette[index % Self.palette.count]
            let visible = curve.points.filter { $0.x.isFinite && $0.y.isFinite }
            let coordinates = visible.map { "\(Self.format(screenX($0.x))),\(Self.format(screenY($0.y)))" }
            lines.append("<polyline class=\"series\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(coordinates.joined(separator: " "))\"><title>\(Self.escaped(curve.name))</title></polyline>")
            for point in visible {
                lines.append("<circle cx=\"\(Self.format(screenX(point.x)))\" cy=\"\(Self.format(screenY(point.y)))\" r=\"2.5\" fill=\"\(color)\"/>")
            }
            let legendY = margin.top + 12 + Double(index) * 15
            let legendX = margin.left + plotWidth - 110
            lines.append("<line x1=\"\(Self.format(legendX))\" y1=\"\(Self.format(legendY))\" x2=\"\(Self.format(legendX + 18))\" y2=\"\(Self.format(legendY))\" stroke=\"\(color)\" stroke-width=\"2\"/>")
            lines.append("<text x=\"\(Self.format(legendX + 24))\" y=\"\(Self.format(legendY))\" dominant-baseline=\"middle\">\(Self.escaped(curve.name))</text>")
        }
        lines.append("</g>")
        return lines.joined(separator: "\n")
    }

    /// Five or so round tick values covering `values` (`fallback` when there are none), at
    /// least `minimumStep` apart.
    static func ticks(_ values: [Double], fallback: ClosedRange<Double>, minimumStep: Double = 0) -> [Double] {
        var low = values.min() ?? fallback.lowerBound, high = values.max() ?? fallback.upperBound
        if high - low < 1e-12 { (low, high) = (low - 0.5, high + 0.5) }
        // A step of 1, 2 or 5 × 10ᵏ that gives at most six intervals.
        let rough = (high - low) / 5
        let magnitude = pow(10, floor(log10(rough)))
        let step = max([1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude, minimumStep)
        let first = floor(low / step) * step, last = ceil(high / step) * step
        return stride(from: first, through: last + step / 2, by: step).map { $0 }
    }

    /// A tick label: as few digits as the value needs.
    static func label(_ value: Double) -> String {
        let rounded = (value * 1e6).rounded() / 1e6
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%g", rounded)
    }

    /// A coordinate with two decimals.
    static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    /// Text with XML's special characters escaped.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// One chart of a figure: anything that draws itself into an SVG group of a known size
/// (line plots, scatter plots, image grids).
public protocol SVGPanel: Sendable {
    /// The panel's size in SVG units (pixels).
    var width: Double { get }
    /// The panel's height in SVG units.
    var height: Double { get }
    /// The panel as SVG elements inside a `<g>` shifted to `(x, y)`.
    func svgGroup(x originX: Double, y originY: Double) -> String
}

/// Charts side by side in one SVG document.
public struct SVGFigure: Sendable {
    /// The charts, left to right.
    public var panels: [any SVGPanel]

    /// A figure of `panels`, left to right.
    public init(panels: [any SVGPanel]) {
        self.panels = panels
    }

    /// The complete SVG document, starting with `<svg`.
    public var svg: String {
        let width = panels.map(\.width).reduce(0, +), height = panels.map(\.height).max() ?? 0
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(LinePlot.format(width))\" height=\"\(LinePlot.format(height))\" viewBox=\"0 0 \(LinePlot.format(width)) \(LinePlot.format(height))\">",
                     "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"]
        var x = 0.0
        for panel in panels {
            parts.append(panel.svgGroup(x: x, y: 0))
            x += panel.width
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// Writes the document atomically (a temporary file, then renamed).
    ///
    /// - Throws: the file system's error when `url` cannot be written.
    public func write(to url: URL) throws {
        try Data(svg.utf8).write(to: url, options: .atomic)
    }
}
