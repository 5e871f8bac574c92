import Foundation

/// What a `zoo reproduce` run found: its tables, its pictures and an honest verdict on each of
/// the paper's claims. Every reproduction (ResNet, MAE, DANN, LOOK, Maestro) writes one.
///
/// ```swift
/// var report = ReproductionReport(paper: "He et al., Deep Residual Learning, CVPR 2016",
///                                 command: "zoo reproduce resnet --quick --seed 0")
/// var table = ReproductionTable(title: "Final error", columns: ["model", "train error", "paper"])
/// table.append(["plain-20", "0.081", "≈ 0.10"])
/// report.tables.append(table)
/// report.claims.append(Claim("deeper plain nets train worse", ours: 0.11, baseline: 0.08, holds: true))
/// try report.write(to: outputDirectory)   // report.md and report.json
/// print(report.jsonLine)                  // {"claims":[…],"paper":…}
/// ```
public struct ReproductionReport: Codable, Sendable {
    /// The paper, as a reader would cite it.
    public var paper: String
    /// The command that produced this report, so anyone can run it again.
    public var command: String
    /// The tables, in the order the Markdown shows them.
    public var tables: [ReproductionTable] = []
    /// The paper's claims with our measurement beside the baseline it is compared with.
    public var claims: [Claim] = []
    /// Pictures written next to the report (file names relative to its folder).
    public var pictures: [String] = []
    /// Short remarks: the scale of the run, what differs from the paper.
    public var notes: [String] = []
    /// Seconds the whole run took.
    public var seconds: Double?

    /// An empty report of `paper`, reproduced by `command`.
    public init(paper: String, command: String) {
        self.paper = paper
        self.command = command
    }

    /// The report as a Markdown document: a heading, the command, each table, the claims and
    /// the pictures.
    public var markdown: String {
        var lines = ["# \(paper)", "", "Made by `\(command)`" + (seconds.map { String(format: " in %.0f s.", $0) } ?? "."), ""]
        for note in notes { lines.append("- \(note)") }
        if !notes.isEmpty { lines.append("") }
        for table in tables { lines.append(table.markdown); lines.append("") }
        if !claims.isEmpty {
            var verdicts = ReproductionTable(title: "Claims", columns: ["claim", "ours", "baseline", "holds"])
            for claim in claims {
                verdicts.append([claim.claim, ReproductionTable.format(claim.ours),
                                 ReproductionTable.format(claim.baseline), claim.holds ? "yes" : "no"])
            }
            lines.append(verdicts.markdown)
            lines.append("")
        }
        for picture in pictures { lines.append("![\(picture)](\(picture))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The one-line JSON object a `zoo reproduce` run prints last: `{"claims": [...], ...}`.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let line = LineSummary(paper: paper, command: command, claims: claims, seconds: seconds)
        return String(decoding: (try? encoder.encode(line)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Writes `report.md` and `report.json` (everything, tables included) into `directory`,
    /// each atomically, creating the folder when needed.
    ///
    /// - Throws: the file system's error when the folder cannot be written.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(self).write(to: directory.appendingPathComponent("report.json"), options: .atomic)
        try Data(markdown.utf8).write(to: directory.appendingPathComponent("report.md"), options: .atomic)
    }

    private struct LineSummary: Encodable {
        var paper: String
        var command: String
        var claims: [Claim]
        var seconds: Double?
    }
}

/// One of a paper's claims, with the number we measured and the number it is compared against.
public struct Claim: Codable, Sendable, Equatable {
    /// The claim in words, e.g. "plain-56 has a higher training error than plain-20".
    public var claim: String
    /// Our measurement of the quantity the claim is about.
    public var ours: Double
    /// The number ours is compared with (the shallower net, the source-only model, the paper).
    public var baseline: Double
    /// Whether our run supports the claim — reported honestly, whichever way it goes.
    public var holds: Bool

    /// A claim with our measurement, the baseline it is compared with and the verdict.
    public init(_ claim: String, ours: Double, baseline: Double, holds: Bool) {
        self.claim = claim
        self.ours = ours
        self.baseline = baseline
        self.holds = holds
    }
}

/// A table of strings with a title and column headings, printable as Markdown or plain text.
public struct ReproductionTable: Codable, Sendable, Equatable {
    /// The heading printed above the table.
    public var title: String
    /// The column headings.
    public var columns: [String]
    /// The rows, each with one cell per column.
    public var rows: [[String]] = []

    /// An empty table with `title` and `columns`.
    public init(title: String, columns: [String]) {
        self.title = title
        self.columns = columns
    }

    /// Adds a row; it must have one cell per column.
    public mutating func append(_ row: [String]) {
        precondition(row.count == columns.count,
                     "ReproductionTable.append: \(row.count) cells for \(columns.count) columns in \"\(title)\"")
        rows.append(row)
    }

    /// `**title**` followed by a GitHub Markdown table.
    public var markdown: String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        return ([ "**\(title)**", "", line(columns), line(columns.map { _ in "---" })] + rows.map(line))
            .joined(separator: "\n")
    }

    /// A number with four significant digits, the way the tables show them.
    public static func format(_ value: Double) -> String {
        value.isFinite ? String(format: "%.4g", value) : "\(value)"
    }

    /// `mean ± std` of several seeds' results (sample standard deviation; `± 0` for one value).
    public static func meanAndDeviation(_ values: [Double], digits: Int = 4) -> String {
        let (mean, deviation) = Self.statistics(of: values)
        return String(format: "%.\(digits)f ± %.\(digits)f", mean, deviation)
    }

    /// The mean and the sample standard deviation (0 for fewer than two values).
    public static func statistics(of values: [Double]) -> (mean: Double, standardDeviation: Double) {
        guard !values.isEmpty else { return (.nan, .nan) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        return (mean, variance.squareRoot())
    }
}
