import ArgumentParser
import Foundation
import Zoo

/// `zoo evaluate <checkpoint> --dataset <name>`: the test accuracy of a checkpoint written by
/// `zoo train`, printed last as one JSON object.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Test a checkpoint written by `zoo train` on a dataset.")

    @Argument(help: "A checkpoint written by `zoo train`.")
    var checkpoint: String
    @Option(help: "The dataset whose test split is used (see `zoo list`).")
    var dataset: String
    @Option(help: "Refuse the checkpoint unless it is of this model.")
    var model: String?
    @Option(help: "Images per batch.")
    var batchSize = 256
    @Option(help: "Threads for the kernels (default: all cores).")
    var threads = ThreadBudget.defaultCount
    @Option(help: "Where the datasets are installed (default: ~/.gradus/data).")
    var dataDir: String?
    @Option(help: "Test on N test images spread evenly over the set.")
    var limitTest: Int?

    func validate() throws {
        do { _ = try DatasetRegistry.standard.dataset(named: dataset) } catch { throw ValidationError("\(error)") }
        if let model {
            do { _ = try ModelRegistry.standard.model(named: model) } catch { throw ValidationError("\(error)") }
        }
        guard FileManager.default.fileExists(atPath: checkpoint) else { throw ValidationError("no checkpoint at \(checkpoint)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard limitTest.map({ $0 >= 1 }) ?? true else { throw ValidationError("--limit-test must be at least 1") }
    }

    func run() throws {
        do {
            ThreadBudget.count = threads
            let dataDirectory = dataDir.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataDirectory.defaultURL
            let evaluation = try CheckpointEvaluation(
                checkpoint: URL(fileURLWithPath: checkpoint), dataset: dataset, expectedModel: model,
                testLimit: limitTest, batchSize: batchSize, dataDirectory: dataDirectory)
            print("\(evaluation.record.configuration.model) after \(evaluation.record.history.records.count) epochs on "
                  + "\(evaluation.record.configuration.dataset), tested on \(dataset): accuracy "
                  + String(format: "%.4f", evaluation.accuracy) + " (\(evaluation.imageCount) images)")
            print(evaluation.jsonLine)
        } catch {
            reportError(error, command: "evaluate")
            throw ExitCode.failure
        }
    }
}
