import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Zoo

@Suite("Scatter plots as SVG")
struct ScatterPlotTests {
    @Test func groupsGetColoursMarkerGroupsGetShapesAndBothGetLegends() {
        var plot = ScatterPlot(title: "features <&>", xLabel: "PC 1", yLabel: "PC 2")
        plot.add([(0, 0), (1, 1)], group: "class 0", marker: "source")
        plot.add([(2, -1)], group: "class 1", marker: "source")
        plot.add([(0.5, 0.5), (.nan, 1)], group: "class 0", marker: "target")
        #expect(plot.groups == ["class 0", "class 1"])
        #expect(plot.markerGroups == ["source", "target"])
        #expect(plot.points.map(\.group) == [0, 0, 1, 0, 0])
        #expect(plot.points.map(\.markerGroup) == [0, 0, 0, 1, 1])

        let svg = SVGFigure(panels: [plot]).svg
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        #expect(svg.contains("features &lt;&amp;&gt;"))
        // Four finite points: three source circles and one target square; the NaN point is skipped.
        #expect(svg.components(separatedBy: "<circle class=\"point\"").count - 1 == 3)
        #expect(svg.components(separatedBy: "<rect class=\"point\"").count - 1 == 1)
        #expect(svg.components(separatedBy: "fill=\"\(ScatterPlot.color(ofGroup: 1))\"").count - 1 >= 2)  // the point and its legend
        // Legends: two colour entries (circles) and two shape entries (circle, square).
        #expect(svg.components(separatedBy: "class=\"legend\"").count - 1 == 4)
        #expect(svg.contains(">target</text>"))
    }

    @Test func withoutMarkerGroupsEveryPointIsACircleAndThereIsNoShapeLegend() {
        var plot = ScatterPlot(title: "t", xLabel: "x", yLabel: "y")
        plot.add([(0, 0), (1, 2), (3, 1)], group: "a")
        let svg = plot.svgGroup(x: 0, y: 0)
        #expect(plot.markerGroups.isEmpty)
        #expect(svg.components(separatedBy: "<circle class=\"point\"").count - 1 == 3)
        #expect(svg.components(separatedBy: "class=\"legend\"").count - 1 == 1)
    }

    @Test func everyMarkerShapeIsWellFormedSVG() {
        for marker in ScatterPlot.Marker.allCases {
            let element = ScatterPlot.markerElement(marker, x: 10, y: 10, size: 3, color: "#000", opacity: 1)
            #expect(XMLParser(data: Data("<svg xmlns=\"http://www.w3.org/2000/svg\">\(element)</svg>".utf8)).parse(), "\(marker)")
        }
    }
}
