import Foundation
import Testing
@testable import Zoo

@Suite("Reproduction reports")
struct ReproductionReportTests {
    func sampleReport() -> ReproductionReport {
        var report = ReproductionReport(paper: "He et al. 2016", command: "zoo reproduce resnet --quick --seed 0")
        var table = ReproductionTable(title: "Final error", columns: ["model", "train error"])
        table.append(["plain-20", "0.081"])
        table.append(["a|b", "0.1"])
        report.tables.append(table)
        report.claims.append(Claim("plain-56 trains worse than plain-20", ours: 0.11, baseline: 0.081, holds: true))
        report.pictures.append("curves.svg")
        return report
    }

    @Test("the last line is one JSON object whose claims array has the four keys")
    func jsonLine() throws {
        let line = sampleReport().jsonLine
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let claims = try #require(object["claims"] as? [[String: Any]])
        #expect(claims.count == 1)
        #expect(Set(claims[0].keys) == ["claim", "ours", "baseline", "holds"])
        #expect(claims[0]["ours"] as? Double == 0.11)
        #expect(claims[0]["holds"] as? Bool == true)
    }

    @Test("the Markdown has each table with escaped cells, the verdicts and the pictures")
    func markdown() {
        let markdown = sampleReport().markdown
        #expect(markdown.contains("| model | train error |\n| --- | --- |\n| plain-20 | 0.081 |\n| a\\|b | 0.1 |"))
        #expect(markdown.contains("| plain-56 trains worse than plain-20 | 0.11 | 0.081 | yes |"))
        #expect(markdown.contains("![curves.svg](curves.svg)"))
    }

    @Test("write puts report.md and a report.json that decodes back into the folder")
    func writing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gradus-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = sampleReport()
        try report.write(to: directory)
        let decoded = try JSONDecoder().decode(ReproductionReport.self, from: Data(contentsOf: directory.appendingPathComponent("report.json")))
        #expect(decoded.tables == report.tables)
        #expect(decoded.claims == report.claims)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("report.md").path))
    }

    @Test("mean ± standard deviation uses the sample deviation")
    func statistics() {
        let (mean, deviation) = ReproductionTable.statistics(of: [1, 2, 3])
        #expect(mean == 2)
        #expect(abs(deviation - 1) < 1e-12)
        #expect(ReproductionTable.meanAndDeviation([0.5], digits: 2) == "0.50 ± 0.00")
    }
}
