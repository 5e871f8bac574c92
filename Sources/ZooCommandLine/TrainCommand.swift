import ArgumentParser
import Foundation
import Zoo

/// `zoo train <model> --dataset <name>`: trains with a progress bar, tests after each epoch,
/// writes metrics.csv, checkpoints and curves.svg, and prints a JSON summary as its last line.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train a model on a dataset.",
        discussion: "The last line printed is one JSON object: model, dataset, epochs, testAccuracy, imagesPerSecond, peakMemoryMiB, seconds.")

    @Argument(help: "The model (see `zoo list`).")
    var model: String
    @Option(help: "The dataset (see `zoo list`).")
    var dataset: String
    @Option(help: "Passes over the training set.")
    var epochs = 10
    @Option(help: "Images per step.")
    var batchSize = 128
    @Option(help: "sgd, adam or adamw.")
    var optimizer = "sgd"
    @Option(help: "The initial learning rate (default: 0.1 for sgd, 0.001 for adam and adamw).")
    var learningRate: Double?
    @Option(help: "constant, cosine, warmup-cosine or step.")
    var schedule = "cosine"
    @Option(help: "Epochs of linear warmup for warmup-cosine.")
    var warmupEpochs = 1
    @Option(help: "Weight decay (default: 5e-4 for sgd and adam, 0.05 for adamw).")
    var weightDecay: Double?
    @Option(help: "SGD's momentum.")
    var momentum = 0.9
    @Option(help: "The seed of the initialization and the shuffling.")
    var seed: UInt64 = 0
    @Option(help: "Threads for the kernels and the data loader (default: all cores).")
    var threads = ThreadBudget.defaultCount
    @Option(help: "The folder for metrics.csv, checkpoints and curves.svg (default: runs/<model>-<dataset>).")
    var output: String?
    @Option(help: "A checkpoint of this model and dataset to continue from.")
    var resume: String?
    @Option(help: "Where the datasets are installed (default: ~/.gradus/data).")
    var dataDir: String?
    @Option(help: "Train on N training images spread evenly over the set (a quick run).")
    var limitTrain: Int?
    @Option(help: "Test on N test images spread evenly over the set.")
    var limitTest: Int?
    @Flag(help: "Augment the training images: random crops of the image padded by 4 and horizontal flips (He et al. 2016, §4.2).")
    var augment = false
    @Option(help: "Background threads preparing batches.")
    var workers = 1
    @Option(help: "Keep the checkpoints of the latest N epochs (0: all).")
    var keepCheckpoints = 3

    /// The run's configuration from the options.
    ///
    /// - Throws: `ValidationError` naming the option that is out of range or unknown.
    func makeConfiguration() throws -> TrainingConfiguration {
        do {
            _ = try ModelRegistry.standard.model(named: model)
            _ = try DatasetRegistry.standard.dataset(named: dataset)
            var configuration = TrainingConfiguration(model: model, dataset: dataset)
            configuration.optimizer = try OptimizerKind.parse(optimizer)
            configuration.schedule = try ScheduleKind.parse(schedule)
            configuration.epochs = epochs
            configuration.batchSize = batchSize
            configuration.learningRate = learningRate ?? (configuration.optimizer == .sgd ? 0.1 : 1e-3)
            configuration.weightDecay = weightDecay ?? (configuration.optimizer == .adamw ? 0.05 : 5e-4)
            configuration.warmupEpochs = warmupEpochs
            configuration.momentum = momentum
            configuration.seed = seed
            configuration.threads = threads
            configuration.trainingLimit = limitTrain
            configuration.testLimit = limitTest
            configuration.augmentation = augment ? ImageAugmentation() : nil
            configuration.loaderWorkers = workers
            configuration.keptCheckpoints = keepCheckpoints
            try configuration.validate()
            return configuration
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func validate() throws {
        _ = try makeConfiguration()
        if let resume, !FileManager.default.fileExists(atPath: resume) {
            throw ValidationError("--resume: no checkpoint at \(resume)")
        }
    }

    func run() throws {
        do {
            let configuration = try makeConfiguration()
            let outputDirectory = URL(fileURLWithPath: output ?? "runs/\(model)-\(dataset)", isDirectory: true)
            let dataDirectory = dataDir.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataDirectory.defaultURL
            let run = try TrainingRun(configuration: configuration, dataDirectory: dataDirectory, outputDirectory: outputDirectory)
            if let resume {
                try run.resume(from: URL(fileURLWithPath: resume))
                print("resumed from \(resume) after epoch \(run.history.records.count)")
            }
            print("training \(model) (\(run.model.parameterCount) parameters) on \(dataset): "
                  + "\(run.trainingLoader.dataset.count) training and \(run.testLoader.dataset.count) test images, "
                  + (augment ? "crops and flips, " : "")
                  + "\(configuration.optimizer.rawValue) lr \(configuration.learningRate) \(configuration.schedule.rawValue), "
                  + "\(configuration.threads) threads → \(outputDirectory.path)")
            let summary = try run.train(progress: .standardError) { line in print(line) }
            print(summary.jsonLine)
        } catch {
            reportError(error, command: "train")
            throw ExitCode.failure
        }
    }
}
