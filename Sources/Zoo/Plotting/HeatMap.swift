import Foundation

/// A matrix drawn as a grid of coloured cells: an image, an attention map, a weight matrix.
///
/// ```swift
/// let image = HeatMap(title: "digit", values: pixels, colors: .grayscale)     // pixels: [[Double]]
/// let map = HeatMap(title: "head 1", values: attention, colors: .viridis)
/// try SVGFigure(panels: [image, map]).write(to: URL(fileURLWithPath: "attention.svg"))
/// ```
///
/// Each value `v` is drawn with the colour of `t = (v − low) / (high − low)` clamped to `[0, 1]`,
/// where `low...high` is `range` or, when `range` is `nil`, the smallest and largest finite
/// value. Non-finite values are drawn white.
public struct HeatMap: SVGPanel {
    /// How values map to colours.
    public enum ColorScale: Sendable, Equatable {
        /// Black (low) to white (high), like a grayscale image.
        case grayscale
        /// Matplotlib's perceptually uniform viridis, dark purple (low) to yellow (high).
        case viridis
    }

    /// The title above the grid.
    public var title: String
    /// The values, row by row (top row first); every row has the same length.
    public let values: [[Double]]
    /// How values map to colours.
    public var colors: ColorScale
    /// The values mapped to the ends of the scale; `nil` uses the data's minimum and maximum.
    public var range: ClosedRange<Double>?
    /// The side of one cell in SVG units (pixels).
    public var cellSize: Double
    /// Whether each cell shows its value as text (for small grids: indices, counts).
    public var showsValues = false
    /// The panel's size in SVG units: the grid (or the title, if wider) and margins.
    public var width: Double { max(gridWidth, Self.estimatedWidth(of: title)) + 2 * Self.margin }
    public var height: Double { Double(values.count) * cellSize + Self.titleHeight + Self.margin }

    static let margin = 8.0, titleHeight = 26.0

    /// The width of the grid of cells.
    var gridWidth: Double { Double(columnCount) * cellSize }

    /// About how wide `text` is at the title's font size (13 px sans-serif: ~7 px a character).
    static func estimatedWidth(of text: String) -> Double { Double(text.count) * 7 }

    /// The number of columns of the grid.
    public var columnCount: Int { values.first?.count ?? 0 }

    /// A heat map of `values`.
    ///
    /// - Parameters:
    ///   - title: the title above the grid.
    ///   - values: rows of equal length, top row first.
    ///   - colors: the color scale.
    ///   - range: the values mapped to the ends of the scale; `nil` for the smallest and largest
    ///     finite values.
    ///   - cellSize: pixels per cell; by default about 160 pixels for the whole grid.
    /// - Precondition: every row has the same, non-zero length.
    public init(title: String, values: [[Double]], colors: ColorScale = .viridis,
                range: ClosedRange<Double>? = nil, cellSize: Double? = nil) {
        precondition(!values.isEmpty && !values[0].isEmpty, "HeatMap \"\(title)\": no values")
        precondition(values.allSatisfy { $0.count == values[0].count },
                     "HeatMap \"\(title)\": rows of different lengths \(Set(values.map(\.count)).sorted())")
        self.title = title
        self.values = values
        self.colors = colors
        self.range = range
        self.cellSize = cellSize ?? max(2, (160 / Double(max(values.count, values[0].count))).rounded())
    }

    /// A heat map of a rank-2 tensor `[rows, columns]`.
    ///
    /// - Precondition: `matrix` has rank 2.
    public init<Scalar: FloatingPointTensorElement>(
        title: String, matrix: Tensor<Scalar>, colors: ColorScale = .viridis,
        range: ClosedRange<Double>? = nil, cellSize: Double? = nil
    ) {
        precondition(matrix.rank == 2, "HeatMap \"\(title)\": need a [rows, columns] tensor, got shape \(matrix.shape)")
        let scalars = matrix.scalars.map { Double($0) }
        let columns = matrix.shape[1]
        let rows = (0..<matrix.shape[0]).map { Array(scalars[($0 * columns)..<(($0 + 1) * columns)]) }
        self.init(title: title, values: rows, colors: colors, range: range, cellSize: cellSize)
    }

    /// The values at the two ends of the colour scale.
    public var valueRange: ClosedRange<Double> {
        if let range { return range }
        let finite = values.joined().filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        return low...high
    }

    /// The colour of `value` as `#rrggbb`.
    public func color(of value: Double) -> String {
        guard value.isFinite else { return "#ffffff" }
        return Self.hex(colors.rgb(at: normalized(value)))
    }

    /// The cells' colours as a `[3, rows, columns]` byte image, one pixel per cell.
    public var pixels: Tensor<UInt8> {
        let rows = values.count, columns = columnCount
        var bytes = [UInt8](repeating: 0, count: 3 * rows * columns)
        for (row, rowValues) in values.enumerated() {
            for (column, value) in rowValues.enumerated() {
                let rgb = value.isFinite ? colors.rgb(at: normalized(value)) : (1, 1, 1)
                for (channel, intensity) in [rgb.0, rgb.1, rgb.2].enumerated() {
                    bytes[(channel * rows + row) * columns + column] = Self.byte(intensity)
                }
            }
        }
        return Tensor(shape: [3, rows, columns], scalars: bytes)
    }

    /// The grid as SVG elements inside a `<g>` shifted to `(x, y)`: the title, and the cells as
    /// one embedded PNG scaled up without smoothing (a 28 × 28 image is a few hundred bytes,
    /// where one `<rect>` per cell would take tens of kilobytes).
    public func svgGroup(x originX: Double = 0, y originY: Double = 0) -> String {
        // PNG encoding of an in-memory RGB image cannot fail short of running out of memory.
        let png = (try? ImageFile.encode(pixels, format: .png)) ?? []
        let gridHeight = Double(values.count) * cellSize
        let left = (width - gridWidth) / 2  // the grid is centred under a wider title
        var lines = [
            "<g transform=\"translate(\(LinePlot.format(originX)),\(LinePlot.format(originY)))\" font-family=\"sans-serif\" font-size=\"11\">",
            "<text x=\"\(LinePlot.format(width / 2))\" y=\"17\" text-anchor=\"middle\" font-size=\"13\">\(LinePlot.escaped(title))</text>",
            "<image x=\"\(LinePlot.format(left))\" y=\"\(LinePlot.format(Self.titleHeight))\" width=\"\(LinePlot.format(gridWidth))\" height=\"\(LinePlot.format(gridHeight))\" preserveAspectRatio=\"none\" style=\"image-rendering:optimizeSpeed;image-rendering:pixelated\" href=\"data:image/png;base64,\(Data(png).base64EncodedString())\"/>",
        ]
        if showsValues {
            // Light text on the dark half of the scale, dark text on the light half.
            for (row, rowValues) in values.enumerated() {
                for (column, value) in rowValues.enumerated() {
                    let x = left + (Double(column) + 0.5) * cellSize, y = Self.titleHeight + (Double(row) + 0.5) * cellSize
                    let fill = value.isFinite && normalized(value) < 0.5 ? "white" : "black"
                    lines.append("<text x=\"\(LinePlot.format(x))\" y=\"\(LinePlot.format(y))\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"\(fill)\">\(LinePlot.label(value))</text>")
                }
            }
        }
        lines.append("</g>")
        return lines.joined(separator: "\n")
    }

    /// `value`'s position in `valueRange`, clamped to `[0, 1]` (0.5 when the range is a point).
    func normalized(_ value: Double) -> Double {
        let range = valueRange
        let span = range.upperBound - range.lowerBound
        return span > 0 ? min(max((value - range.lowerBound) / span, 0), 1) : 0.5
    }

    static func byte(_ intensity: Double) -> UInt8 {
        UInt8((min(max(intensity, 0), 1) * 255).rounded())
    }

    static func hex(_ rgb: (Double, Double, Double)) -> String {
        func byte(_ channel: Double) -> String {
            let digits = String(Self.byte(channel), radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        return "#" + byte(rgb.0) + byte(rgb.1) + byte(rgb.2)
    }
}

extension HeatMap.ColorScale {
    /// Viridis sampled at eleven evenly spaced points, t = 0, 0.1, …, 1 (matplotlib's `_viridis_data`), interpolated
    /// linearly in between.
    static let viridisStops: [(Double, Double, Double)] = [
        (0.267004, 0.004874, 0.329415), (0.282623, 0.140926, 0.457517), (0.253935, 0.265254, 0.529983),
        (0.206756, 0.371758, 0.553117), (0.163625, 0.471133, 0.558148), (0.127568, 0.566949, 0.550556),
        (0.134692, 0.658636, 0.517649), (0.266941, 0.748751, 0.440573), (0.477504, 0.821444, 0.318195),
        (0.741388, 0.873449, 0.149561), (0.993248, 0.906157, 0.143936),
    ]

    /// The colour at `t ∈ [0, 1]` as red, green, blue in `[0, 1]`.
    func rgb(at t: Double) -> (Double, Double, Double) {
        switch self {
        case .grayscale:
            return (t, t, t)
        case .viridis:
            let stops = Self.viridisStops
            let position = t * Double(stops.count - 1)
            let lower = min(Int(position), stops.count - 2)
            let fraction = position - Double(lower)
            let (a, b) = (stops[lower], stops[lower + 1])
            return (a.0 + (b.0 - a.0) * fraction, a.1 + (b.1 - a.1) * fraction, a.2 + (b.2 - a.2) * fraction)
        }
    }
}
