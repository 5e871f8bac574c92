import Foundation

/// The training driver shared by `zoo train` and the reproductions: epochs of optimizer steps
/// with a progress bar, a test pass after each epoch, and on disk `metrics.csv`, a checkpoint per
/// epoch and `curves.svg`.
///
/// ```swift
/// var configuration = TrainingConfiguration(model: "mlp", dataset: "mnist")
/// configuration.epochs = 3
/// let run = try TrainingRun(configuration: configuration, outputDirectory: URL(fileURLWithPath: "runs/mlp"))
/// let summary = try run.train()
/// print(summary.jsonLine)
/// ```
public final class TrainingRun<TrainingData: Dataset, TestData: Dataset>
where TrainingData.Sample == LabeledSample<Float>, TestData.Sample == LabeledSample<Float> {
    /// The settings of the run.
    public let configuration: TrainingConfiguration
    /// The model being trained.
    public let model: any Layer<Float>
    /// The optimizer over the model's named parameters.
    public let optimizer: any Optimizer<Float>
    /// The learning rate as a function of the optimizer's step.
    public let schedule: any LearningRateSchedule
    /// The training batches, reshuffled each epoch from the seed; the last batch may be smaller.
    public let trainingLoader: DataLoader<TrainingData>
    /// The test batches, in order.
    public let testLoader: DataLoader<TestData>
    /// Where `metrics.csv`, the checkpoints and `curves.svg` go; `nil` writes nothing.
    public let outputDirectory: URL?
    /// The epochs done so far (from this process or the checkpoint it resumed from).
    public private(set) var history = TrainingHistory()

    /// A run of `model` on the given data.
    ///
    /// - Throws: `TrainingError.invalidSetting` when a setting is out of range.
    public init(configuration: TrainingConfiguration, model: any Layer<Float>,
                trainingData: TrainingData, testData: TestData, outputDirectory: URL?) throws {
        try configuration.validate()
        self.configuration = configuration
        self.model = model
        self.optimizer = configuration.makeOptimizer(for: model)
        self.outputDirectory = outputDirectory
        ThreadBudget.count = configuration.threads
        trainingLoader = DataLoader(trainingData, batchSize: configuration.batchSize, shuffle: true,
                                    seed: configuration.seed, workers: configuration.loaderWorkers)
        testLoader = DataLoader(testData, batchSize: configuration.batchSize, workers: configuration.loaderWorkers)
        schedule = configuration.makeSchedule(stepsPerEpoch: trainingLoader.batchCount)
    }

    /// The checkpoint file of epoch `epoch` in `directory`: `checkpoint-epoch-007.safetensors`.
    public static func checkpointURL(epoch: Int, in directory: URL) -> URL {
        directory.appendingPathComponent(String(format: "checkpoint-epoch-%03d.safetensors", epoch))
    }

    // MARK: - Resuming

    /// Continues from a checkpoint of this model and dataset: its weights, optimizer state,
    /// schedule step and the history of the epochs done.
    ///
    /// - Throws: `TrainingError.checkpointMismatch` when the checkpoint was written by a run of
    ///   another model or dataset (or not by a training run); `CheckpointError` when its entries
    ///   do not fit the model or optimizer; `TensorFileError` when it cannot be read.
    public func resume(from url: URL) throws {
        let checkpoint = try Checkpoint(contentsOf: url)
        let record = try RunRecord(checkpoint)
        guard record.configuration.model == configuration.model, record.configuration.dataset == configuration.dataset else {
            throw TrainingError.checkpointMismatch(
                path: url.path,
                problem: "written by a run of model '\(record.configuration.model)' on dataset '\(record.configuration.dataset)', "
                    + "not '\(configuration.model)' on '\(configuration.dataset)'. Resume with the same model and dataset, or start a new run")
        }
        try checkpoint.restore(model)
        try checkpoint.restore(optimizer)
        history = record.history
    }

    // MARK: - Training

    /// Trains until `configuration.epochs` epochs are done, testing after each, and writes the
    /// metrics, a checkpoint and the curves after each epoch.
    ///
    /// - Parameters:
    ///   - progress: where the progress bar goes; `nil` shows none.
    ///   - log: receives one line per epoch (losses, accuracies, time).
    /// - Returns: the summary of the run, whose `jsonLine` the command line prints last.
    /// - Throws: `TrainingError.diverged` when the loss becomes NaN or infinite; file-system errors
    ///   when the output cannot be written.
    @discardableResult
    public func train(progress: ProgressOutput? = nil, log: (String) -> Void = { _ in }) throws -> TrainingSummary {
        if let outputDirectory {
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        }
        let secondsBefore = history.records.last?.seconds ?? 0
        let start = ProgressBar.monotonicSeconds()
        var trainingSeconds = 0.0, trainingImages = 0
        for epoch in stride(from: history.records.count + 1, through: configuration.epochs, by: 1) {
            let epochStart = ProgressBar.monotonicSeconds()
            let (loss, accuracy) = try trainOneEpoch(epoch, progress: progress)
            trainingSeconds += ProgressBar.monotonicSeconds() - epochStart
            trainingImages += trainingLoader.dataset.count
            let testAccuracy = test()
            let record = EpochRecord(epoch: epoch, step: optimizer.step, trainLoss: loss, trainAccuracy: accuracy,
                                     testAccuracy: testAccuracy, seconds: secondsBefore + ProgressBar.monotonicSeconds() - start)
            history.records.append(record)
            log(String(format: "epoch %d/%d: train loss %.4f, train accuracy %.4f, test accuracy %.4f, %.1f s",
                       epoch, configuration.epochs, loss, accuracy, testAccuracy, record.seconds))
            try writeOutputs()
        }
        let last = history.records.last
        return TrainingSummary(model: configuration.model, dataset: configuration.dataset, epochs: history.records.count,
                               testAccuracy: last?.testAccuracy ?? test(),
                               imagesPerSecond: trainingSeconds > 0 ? Double(trainingImages) / trainingSeconds : 0,
                               peakMemoryMiB: peakResidentMemoryMiB(),
                               seconds: last?.seconds ?? 0)
    }

    /// One pass over the training set; returns the epoch's mean loss and accuracy.
    func trainOneEpoch(_ epoch: Int, progress output: ProgressOutput?) throws -> (loss: Double, accuracy: Double) {
        model.train()
        var loss = RunningMean(), accuracy = Accuracy()
        let bar = output.map { ProgressBar(total: trainingLoader.batchCount, label: "epoch \(epoch)/\(configuration.epochs)",
                                           unit: "img", output: $0) }
        for batch in trainingLoader.epoch(epoch - 1) {
            optimizer.applySchedule(schedule, at: optimizer.step)
            let logits = model(Variable(batch.features))  // [B, classes]
            let batchLoss = crossEntropy(logits: logits, labels: batch.labels)
            let value = Double(batchLoss.value.scalar)
            guard value.isFinite else { throw TrainingError.diverged(epoch: epoch, step: optimizer.step + 1, loss: value) }
            optimizer.update(along: batchLoss.backward())
            loss.add(value, count: batch.labels.count)
            accuracy.add(logits: logits.value, labels: batch.labels)
            bar?.update(loss: loss.mean, metrics: ["acc": accuracy.value], items: batch.labels.count)
        }
        bar?.finish()
        return (loss.mean, accuracy.value)
    }

    /// The model's accuracy on the test set, in evaluation mode.
    public func test() -> Double {
        TrainingRun.accuracy(of: model, on: testLoader)
    }

    /// The accuracy of `model` on `loader`'s batches, in evaluation mode with nothing recorded.
    public static func accuracy<Batches: Dataset>(of model: any Layer<Float>, on loader: DataLoader<Batches>) -> Double
    where Batches.Sample == LabeledSample<Float> {
        var accuracy = Accuracy()
        evaluate(model, on: loader) { batch in
            accuracy.add(logits: model(Variable(batch.features)).value, labels: batch.labels)
        }
        return accuracy.value
    }

    // MARK: - Outputs

    /// The checkpoint of the run as it stands: model, optimizer, schedule step and the record of
    /// the run (configuration and history) in the metadata.
    public func checkpoint() -> Checkpoint {
        Checkpoint(model: model, optimizer: optimizer, scheduleStep: optimizer.step,
                   metadata: RunRecord(configuration: configuration, history: history).metadata)
    }

    /// Writes `metrics.csv`, this epoch's checkpoint and `curves.svg`, and removes checkpoints
    /// older than the latest `keptCheckpoints`.
    func writeOutputs() throws {
        guard let outputDirectory, let epoch = history.records.last?.epoch else { return }
        try Data(history.csv.utf8).write(to: outputDirectory.appendingPathComponent("metrics.csv"), options: .atomic)
        try checkpoint().write(to: Self.checkpointURL(epoch: epoch, in: outputDirectory))
        try history.figure(title: "\(configuration.model) on \(configuration.dataset)")
            .write(to: outputDirectory.appendingPathComponent("curves.svg"))
        if configuration.keptCheckpoints > 0 && epoch > configuration.keptCheckpoints {
            try? FileManager.default.removeItem(at: Self.checkpointURL(epoch: epoch - configuration.keptCheckpoints, in: outputDirectory))
        }
    }
}

/// What a training checkpoint records about its run, in the metadata: the model and dataset
/// names (so that a checkpoint of another model is refused), the configuration and the history.
public struct RunRecord: Sendable, Equatable {
    /// The settings the run was started with.
    public var configuration: TrainingConfiguration
    /// The epochs the run had completed.
    public var history: TrainingHistory

    /// A record of a run's configuration and history.
    public init(configuration: TrainingConfiguration, history: TrainingHistory) {
        self.configuration = configuration
        self.history = history
    }

    /// The record of the run that wrote `checkpoint`.
    ///
    /// - Throws: `TrainingError.checkpointMismatch` when the checkpoint was not written by a
    ///   training run (no `model` or configuration in its metadata).
    public init(_ checkpoint: Checkpoint) throws {
        let extra = checkpoint.metadata.extra
        guard extra["model"] != nil, let text = extra["training_configuration"],
              let configuration = try? TrainingConfiguration(json: text) else {
            throw TrainingError.checkpointMismatch(
                path: checkpoint.path, problem: "this checkpoint was not written by `zoo train` (its metadata names no model and configuration)")
        }
        self.configuration = configuration
        self.history = (try? TrainingHistory(csv: extra["metrics"] ?? "")) ?? TrainingHistory()
    }

    /// The metadata of a checkpoint: seed, thread count, and `model`, `dataset`, `epoch`,
    /// `training_configuration` (JSON) and `metrics` (CSV) as extra entries.
    public var metadata: CheckpointMetadata {
        CheckpointMetadata(seed: configuration.seed, threadCount: configuration.threads, extra: [
            "model": configuration.model,
            "dataset": configuration.dataset,
            "epoch": String(history.records.last?.epoch ?? 0),
            "training_configuration": configuration.json,
            "metrics": history.csv,
        ])
    }
}
