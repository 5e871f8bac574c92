import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Zoo

@Suite("Heat maps as SVG")
struct HeatMapTests {
    @Test func theEndsOfTheScalesAreMatplotlibsColours() {
        let map = HeatMap(title: "t", values: [[0, 0.5, 1]], colors: .viridis)
        #expect(map.color(of: 0) == "#440154")    // viridis(0) in matplotlib
        #expect(map.color(of: 1) == "#fde725")    // viridis(1)
        #expect(map.color(of: 0.5) == "#21918c")  // viridis(0.5)
        let gray = HeatMap(title: "t", values: [[2, 4, 6]], colors: .grayscale)
        #expect(gray.color(of: 2) == "#000000")
        #expect(gray.color(of: 4) == "#808080")   // 0.5 · 255 = 127.5 rounds to 128
        #expect(gray.color(of: 6) == "#ffffff")
        #expect(gray.color(of: 100) == "#ffffff") // clamped
        #expect(gray.color(of: .nan) == "#ffffff")
    }

    @Test func aFixedRangeOverridesTheData() {
        let map = HeatMap(title: "t", values: [[0.25, 0.5]], colors: .grayscale, range: 0...1)
        #expect(map.valueRange == 0...1)
        #expect(map.color(of: 0.25) == "#404040")  // 63.75 rounds to 64
    }

    @Test func aTensorBecomesRowsTopFirstDrawnAsOneEmbeddedPNG() throws {
        let matrix = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let map = HeatMap(title: "a <map>", matrix: matrix, colors: .grayscale, cellSize: 20)
        #expect(map.values == [[1, 2, 3], [4, 5, 6]])
        #expect(map.width == 3 * 20 + 2 * HeatMap.margin)  // the title is narrower than the grid
        #expect(map.height == 2 * 20 + HeatMap.titleHeight + HeatMap.margin)
        // One pixel per cell: 1 → black, 6 → white, 2 → 0.2 · 255 = 51, 4 → 0.6 · 255 = 153.
        #expect(map.pixels.shape == [3, 2, 3])
        #expect(map.pixels.selecting(0, alongAxis: 0).scalars == [0, 51, 102, 153, 204, 255])
        let svg = SVGFigure(panels: [map, map]).svg
        #expect(svg.contains("a &lt;map&gt;"))
        #expect(svg.contains("<image x=\"8.00\" y=\"26.00\" width=\"60.00\" height=\"40.00\""))
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        #expect(!svg.contains("<text x=\"13.00\""))   // no values unless asked for
        // The embedded PNG decodes to the same pixels.
        let prefix = "href=\"data:image/png;base64,"
        let start = try #require(svg.range(of: prefix)).upperBound
        let end = try #require(svg[start...].firstIndex(of: "\""))
        let png = try #require(Data(base64Encoded: String(svg[start..<end])))
        let decoded = try ImageFile.decode([UInt8](png), path: "heat map")
        #expect(decoded == map.pixels)
    }

    @Test func aWideTitleWidensThePanelAndValuesAreWrittenOnTheCells() {
        var map = HeatMap(title: "a title much wider than the grid", values: [[0, 1], [2, 3]], colors: .grayscale, cellSize: 10)
        map.showsValues = true
        let titleWidth = HeatMap.estimatedWidth(of: map.title)
        #expect(titleWidth > 20)
        #expect(map.width == titleWidth + 2 * HeatMap.margin)
        let svg = map.svgGroup(x: 0, y: 0)
        let left = (map.width - 20) / 2
        // Cell (0, 0) holds 0 (black, white text); cell (1, 1) holds 3 (white, black text).
        #expect(svg.contains("<text x=\"\(LinePlot.format(left + 5))\" y=\"31.00\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"white\">0</text>"))
        #expect(svg.contains("<text x=\"\(LinePlot.format(left + 15))\" y=\"41.00\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"black\">3</text>"))
    }
}
