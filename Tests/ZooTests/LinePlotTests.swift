import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Zoo

@Suite("Line plots as SVG")
struct LinePlotTests {
    @Test func ticksAreRoundAndCoverTheData() {
        #expect(LinePlot.ticks([0.13, 0.87], fallback: 0...1) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(LinePlot.ticks([1, 10], fallback: 0...1) == [0, 2, 4, 6, 8, 10])
        #expect(LinePlot.ticks([1, 2], fallback: 0...1, minimumStep: 1) == [1, 2])  // epochs: no 1.2
        let single = LinePlot.ticks([3, 3], fallback: 0...1)
        #expect(single.first! <= 2.5 && single.last! >= 3.5)
    }

    @Test func aFigureIsWellFormedWithOnePolylinePerSeriesAndEscapedText() {
        var plot = LinePlot(title: "loss <&> \"quoted\"", xLabel: "epoch", yLabel: "loss")
        plot.add(LinePlot.Series(name: "a", points: [(1, 2), (2, 1), (3, .nan)]))
        plot.add(LinePlot.Series(name: "b", points: [(1, 3)]))
        let svg = SVGFigure(panels: [plot, plot]).svg
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.components(separatedBy: "<polyline class=\"series\"").count - 1 == 4)
        #expect(svg.contains("loss &lt;&amp;&gt; &quot;quoted&quot;"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 6)  // the NaN point is skipped
        #expect(XMLParser(data: Data(svg.utf8)).parse())
    }
}
