import Foundation

/// Scatter plots as hand-written SVG: points in labelled groups, a colour per group and,
/// optionally, a marker shape per second grouping — learned features by class and by domain.
///
/// ```swift
/// var plot = ScatterPlot(title: "Features after DANN", xLabel: "PC 1", yLabel: "PC 2")
/// plot.add([(0.1, 0.3), (0.2, 0.1)], group: "digit 0", marker: "MNIST")
/// plot.add([(0.4, -0.2)], group: "digit 0", marker: "MNIST-M")
/// try SVGFigure(panels: [plot]).write(to: URL(fileURLWithPath: "features.svg"))
/// ```

/// One chart of points: axes with ticks, a title, a colour per group and a marker shape per
/// marker group, with a legend for each.
public struct ScatterPlot: SVGPanel {
    /// A marker's shape.
    public enum Marker: String, Sendable, CaseIterable {
        /// The shapes, in the order marker groups take them.
        case circle, square, triangle, diamond, cross, plus
    }

    /// One point with the indices of its group (colour) and marker group (shape).
    public struct Point: Sendable, Equatable {
        /// The horizontal coordinate.
        public var x: Double
        /// The vertical coordinate.
        public var y: Double
        /// Index into `groups`.
        public var group: Int
        /// Index into `markerGroups`, or `nil` for a circle.
        public var markerGroup: Int?
    }

    /// The title above the chart.
    public var title: String
    /// The label of the horizontal axis.
    public var xLabel: String
    /// The label of the vertical axis.
    public var yLabel: String
    /// The colour groups' names, in the order they were first added (legend order).
    public private(set) var groups: [String] = []
    /// The marker groups' names, in the order they were first added; empty when no point names one.
    public private(set) var markerGroups: [String] = []
    /// Every point, drawn in the order added.
    public private(set) var points: [Point] = []
    /// The chart's size in SVG units (pixels), axes and legends included.
    public var width = 460.0, height = 340.0
    /// The radius of a marker.
    public var markerSize = 3.0
    /// The opacity of a marker, below 1 so that dense clouds show their overlap.
    public var opacity = 0.7

    /// The colours of the groups, in order (matplotlib's `tab10`, for up to ten classes).
    public static let palette = LinePlot.palette + ["#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// An empty chart with a title and axis labels; `add(_:group:marker:)` adds the points.
    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// Adds points to the group named `group` (created on first use, with the next colour) and,
    /// when `marker` is given, to the marker group of that name (created with the next shape).
    public mutating func add(_ newPoints: [(x: Double, y: Double)], group: String, marker: String? = nil) {
        let groupIndex = groups.firstIndex(of: group) ?? { groups.append(group); return groups.count - 1 }()
        let markerIndex = marker.map { name in
            markerGroups.firstIndex(of: name) ?? { markerGroups.append(name); return markerGroups.count - 1 }()
        }
        points += newPoints.map { Point(x: $0.x, y: $0.y, group: groupIndex, markerGroup: markerIndex) }
    }

    /// The colour of group `index`.
    public static func color(ofGroup index: Int) -> String { palette[index % palette.count] }

    /// The shape of marker group `index` (circles for points without one).
    public static func marker(ofGroup index: Int?) -> Marker {
        index.map { Marker.allCases[$0 % Marker.allCases.count] } ?? .circle
    }

    /// The chart as SVG elements inside a `<g>` shifted to `(x, y)`.
    public func svgGroup(x originX: Double = 0, y originY: Double = 0) -> String {
        let legendWidth = 110.0
        let margin = (left: 62.0, right: 16.0 + legendWidth, top: 30.0, bottom: 46.0)
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        let visible = points.filter { $0.x.isFinite && $0.y.isFinite }
        let xTicks = LinePlot.ticks(visible.map(\.x), fallback: 0...1)
        let yTicks = LinePlot.ticks(visible.map(\.y), fallback: 0...1)
        let (xLow, xHigh) = (xTicks.first!, xTicks.last!)
        let (yLow, yHigh) = (yTicks.first!, yTicks.last!)
        func screenX(_ x: Double) -> Double { margin.left + (x - xLow) / (xHigh - xLow) * plotWidth }
        func screenY(_ y: Double) -> Double { margin.top + (1 - (y - yLow) / (yHigh - yLow)) * plotHeight }
        let f = LinePlot.format

        var lines = ["<g transform=\"translate(\(f(originX)),\(f(originY)))\" font-family=\"sans-serif\" font-size=\"11\">"]
        lines.append("<text x=\"\(f(margin.left + plotWidth / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">\(LinePlot.escaped(title))</text>")
        for tick in yTicks {
            let y = f(screenY(tick))
            lines.append("<line x1=\"\(f(margin.left))\" y1=\"\(y)\" x2=\"\(f(margin.left + plotWidth))\" y2=\"\(y)\" stroke=\"#e0e0e0\"/>")
            lines.append("<text x=\"\(f(margin.left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(LinePlot.label(tick))</text>")
        }
        for tick in xTicks {
            let x = f(screenX(tick))
            lines.append("<line x1=\"\(x)\" y1=\"\(f(margin.top + plotHeight))\" x2=\"\(x)\" y2=\"\(f(margin.top + plotHeight + 4))\" stroke=\"#333\"/>")
            lines.append("<text x=\"\(x)\" y=\"\(f(margin.top + plotHeight + 16))\" text-anchor=\"middle\">\(LinePlot.label(tick))</text>")
        }
        lines.append("<polyline class=\"axes\" fill=\"none\" stroke=\"#333\" points=\"\(f(margin.left)),\(f(margin.top)) \(f(margin.left)),\(f(margin.top + plotHeight)) \(f(margin.left + plotWidth)),\(f(margin.top + plotHeight))\"/>")
        lines.append("<text x=\"\(f(margin.left + plotWidth / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">\(LinePlot.escaped(xLabel))</text>")
        let yLabelY = f(margin.top + plotHeight / 2)
        lines.append("<text x=\"14\" y=\"\(yLabelY)\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(yLabelY))\">\(LinePlot.escaped(yLabel))</text>")
        // The points, each a marker of its group's colour and its marker group's shape.
        for point in visible {
            lines.append(Self.markerElement(Self.marker(ofGroup: point.markerGroup), x: screenX(point.x), y: screenY(point.y),
                                            size: markerSize, color: Self.color(ofGroup: point.group), opacity: opacity))
        }
        // The legends, right of the plot: colours (as circles), then shapes (in grey).
        let legendX = margin.left + plotWidth + 14
        var legendY = margin.top + 6
        for (index, name) in groups.enumerated() {
            lines.append(Self.markerElement(.circle, x: legendX, y: legendY, size: 4, color: Self.color(ofGroup: index), opacity: 1, className: "legend"))
            lines.append("<text x=\"\(f(legendX + 10))\" y=\"\(f(legendY))\" dominant-baseline=\"middle\">\(LinePlot.escaped(name))</text>")
            legendY += 15
        }
        if !markerGroups.isEmpty { legendY += 6 }
        for (index, name) in markerGroups.enumerated() {
            lines.append(Self.markerElement(Self.marker(ofGroup: index), x: legendX, y: legendY, size: 4, color: "#555", opacity: 1, className: "legend"))
            lines.append("<text x=\"\(f(legendX + 10))\" y=\"\(f(legendY))\" dominant-baseline=\"middle\">\(LinePlot.escaped(name))</text>")
            legendY += 15
        }
        lines.append("</g>")
        return lines.joined(separator: "\n")
    }

    /// One marker centred on `(x, y)` with half-width `size`, as an SVG element of class `className`.
    static func markerElement(_ marker: Marker, x: Double, y: Double, size: Double, color: String,
                              opacity: Double, className: String = "point") -> String {
        let f = LinePlot.format
        let style = "class=\"\(className)\" fill=\"\(color)\" fill-opacity=\"\(f(opacity))\""
        switch marker {
        case .circle:
            return "<circle \(style) cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(size))\"/>"
        case .square:
            return "<rect \(style) x=\"\(f(x - size))\" y=\"\(f(y - size))\" width=\"\(f(2 * size))\" height=\"\(f(2 * size))\"/>"
        case .triangle:
            return "<polygon \(style) points=\"\(f(x)),\(f(y - size * 1.2)) \(f(x - size * 1.1)),\(f(y + size * 0.8)) \(f(x + size * 1.1)),\(f(y + size * 0.8))\"/>"
        case .diamond:
            return "<polygon \(style) points=\"\(f(x)),\(f(y - size * 1.3)) \(f(x + size)),\(f(y)) \(f(x)),\(f(y + size * 1.3)) \(f(x - size)),\(f(y))\"/>"
        case .cross, .plus:
            // Two strokes: diagonal for a cross, upright for a plus.
            let (dx, dy) = marker == .cross ? (size, size) : (size * 1.3, 0)
            let (ex, ey) = marker == .cross ? (size, -size) : (0, size * 1.3)
            return "<path class=\"\(className)\" stroke=\"\(color)\" stroke-opacity=\"\(f(opacity))\" stroke-width=\"1.5\" fill=\"none\" d=\"M\(f(x - dx)),\(f(y - dy)) L\(f(x + dx)),\(f(y + dy)) M\(f(x - ex)),\(f(y - ey)) L\(f(x + ex)),\(f(y + ey))\"/>"
        }
    }
}
