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

    /// The command line that reproduces this run, for the report: the shared options, then the
    /// recipe's own (`nil` for those left at their defaults).
    func commandLine(paper: String, _ arguments: [String?] = []) -> String {
        var parts = ["zoo reproduce", paper]
        if quick { parts.append("--quick") }
        parts.append("--seed \(seed)")
        return (parts + arguments.compactMap { $0 }).joined(separator: " ")
    }

    /// Runs one recipe the way every `zoo reproduce` command does: sets the thread budget, hands
    /// `body` the command line that reproduces the run and the output folder, writes the report
    /// it returns there and prints its JSON verdict as the last line. An error ends the command
    /// with its message and a failing exit status.
    func run(paper: String, arguments: [String?], _ body: (_ command: String, _ output: URL) throws -> ReproductionReport) throws {
        do {
            ThreadBudget.count = threads
            let output = outputDirectory(paper: paper)
            let report = try body(commandLine(paper: paper, arguments), output)
            print(report.jsonLine)
        } catch {
            reportError(error, command: "reproduce \(paper)")
            throw ExitCode.failure
        }
    }
}

/// `--name value` for the reproduction's command line, or `nil` when the option was not given.
func argument<Value>(_ name: String, _ value: Value?) -> String? {
    value.map { "\(name) \($0)" }
}
