import ArgumentParser
import Foundation
import Zoo

/// `zoo reproduce <paper>`: runs a paper's central experiment at a scale that fits two cores and
/// prints a JSON verdict on each claim as its last line.
struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce", abstract: "Reproduce a paper's central claim and report it beside the paper's numbers.",
        discussion: "Each writes report.md, report.json and its pictures to --output; the last line printed is {\"claims\": [...]}.",
        subcommands: [ReproduceResNetCommand.self, ReproduceMAECommand.self, ReproduceDANNCommand.self,
                      ReproduceLOOKCommand.self, ReproduceMaestroCommand.self])
}

/// The options every `zoo reproduce` run shares.
struct ReproduceOptions: ParsableArguments {
    @Flag(help: "A few-minute version of the run (fewer images, epochs and seeds).")
    var quick = false
    @Option(help: "The seed of everything random in the run (seeds of repeated runs count up from it).")
    var seed: UInt64 = 0
    @Option(help: "Threads for the kernels and the data loader (default: all cores).")
    var threads = ThreadBudget.defaultCount
    @Option(help: "The folder for the report and pictures (default: runs/reproduce-<paper>).")
    var output: String?
    @Option(help: "Where the datasets are installed (default: ~/.gradus/data).")
    var dataDir: String?

    /// The output folder, defaulting to `runs/reproduce-<paper>`.
    func outputDirectory(paper: String) -> URL {
        URL(fileURLWithPath: output ?? "runs/reproduce-\(paper)", isDirectory: true)
    }

    /// The dataset folder, defaulting to `~/.gradus/data`.
    var dataDirectory: URL {
        dataDir.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataDirectory.defaultURL
    }

    /// The command line that reproduces this run, for the report.
    func commandLine(paper: String) -> String {
        var parts = ["zoo reproduce", paper]
        if quick { parts.append("--quick") }
        parts.append("--seed \(seed)")
        return parts.joined(separator: " ")
    }
}
