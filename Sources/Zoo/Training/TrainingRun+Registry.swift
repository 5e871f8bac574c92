import Foundation

/// Runs built by name: the model from the `ModelRegistry`, the data from the `DatasetRegistry`.

extension TrainingRun where TrainingData == LabeledImages, TestData == LabeledImages {
    /// A run of `configuration.model` on `configuration.dataset`, its weights drawn from
    /// `configuration.seed`, its training images augmented when `configuration.augmentation` says so.
    ///
    /// - Parameters:
    ///   - configuration: the model, dataset and hyperparameters.
    ///   - dataDirectory: where the datasets are installed.
    ///   - outputDirectory: where metrics, checkpoints and curves go; `nil` writes nothing.
    ///   - models: the registry the model's name is looked up in.
    ///   - datasets: the registry the dataset's name is looked up in.
    /// - Throws: `TrainingError.invalidSetting` for a setting out of range, `RegistryError` for an
    ///   unknown name or a model that cannot take the dataset's images, `DatasetError` when the
    ///   dataset is not installed or damaged.
    public convenience init(configuration: TrainingConfiguration, dataDirectory: URL = DataDirectory.defaultURL,
                            outputDirectory: URL?, models: ModelRegistry = .standard,
                            datasets: DatasetRegistry = .standard) throws {
        try configuration.validate()
        let modelEntry = try models.model(named: configuration.model)
        let datasetEntry = try datasets.dataset(named: configuration.dataset)
        var generator = PhiloxGenerator(seed: configuration.seed)
        let model = try modelEntry.build(for: ModelInput(sampleShape: datasetEntry.sampleShape, classCount: datasetEntry.classCount),
                                         using: &generator)
        var training = try datasetEntry.load(.train, dataDirectory: dataDirectory)
        var test = try datasetEntry.load(.test, dataDirectory: dataDirectory)
        if let limit = configuration.trainingLimit { training = training.evenlySpaced(limit) }
        if let limit = configuration.testLimit { test = test.evenlySpaced(limit) }
        training = training.augmented(configuration.augmentation, seed: configuration.augmentationSeed)
        try self.init(configuration: configuration, model: model, trainingData: training, testData: test,
                      outputDirectory: outputDirectory)
    }
}

/// The test accuracy of a checkpoint written by `zoo train`, on a registered dataset: what
/// `zoo evaluate` prints.
public struct CheckpointEvaluation: Sendable {
    /// The run that wrote the checkpoint.
    public var record: RunRecord
    /// The dataset evaluated on.
    public var dataset: String
    /// The number of test images.
    public var imageCount: Int
    /// The fraction classified correctly, in `[0, 1]`.
    public var accuracy: Double

    /// Rebuilds the checkpoint's model for `dataset`'s images, loads its weights and tests it.
    ///
    /// - Parameters:
    ///   - url: the checkpoint file.
    ///   - dataset: the name of the dataset to test on.
    ///   - expectedModel: when given, a checkpoint of another model is refused.
    ///   - testLimit: test on this many images, spread evenly over the test set.
    ///   - batchSize: images per forward pass.
    ///   - dataDirectory: where the datasets are installed.
    ///   - models: the registry the checkpoint's model is looked up in.
    ///   - datasets: the registry the dataset is looked up in.
    /// - Throws: `TrainingError.checkpointMismatch` for a checkpoint of another model (or not
    ///   written by `zoo train`), `RegistryError`, `DatasetError`, `CheckpointError` when the
    ///   weights do not fit the model built for this dataset, `TensorFileError` when the file
    ///   cannot be read.
    public init(checkpoint url: URL, dataset: String, expectedModel: String? = nil, testLimit: Int? = nil,
                batchSize: Int = 256, dataDirectory: URL = DataDirectory.defaultURL,
                models: ModelRegistry = .standard, datasets: DatasetRegistry = .standard) throws {
        let checkpoint = try Checkpoint(contentsOf: url)
        record = try RunRecord(checkpoint)
        if let expectedModel, expectedModel != record.configuration.model {
            throw TrainingError.checkpointMismatch(
                path: url.path, problem: "this is a checkpoint of model '\(record.configuration.model)', not '\(expectedModel)'")
        }
        let modelEntry = try models.model(named: record.configuration.model)
        let datasetEntry = try datasets.dataset(named: dataset)
        var generator = PhiloxGenerator(seed: record.configuration.seed)
        let model = try modelEntry.build(for: ModelInput(sampleShape: datasetEntry.sampleShape, classCount: datasetEntry.classCount),
                                         using: &generator)
        try checkpoint.restore(model)
        var images = try datasetEntry.load(.test, dataDirectory: dataDirectory)
        if let testLimit { images = images.evenlySpaced(testLimit) }
        self.dataset = dataset
        imageCount = images.count
        accuracy = TrainingRun<LabeledImages, LabeledImages>.accuracy(of: model, on: DataLoader(images, batchSize: batchSize))
    }

    /// One line of JSON: `model`, `dataset`, `epochs` (of the checkpoint), `testAccuracy`, `images`.
    public var jsonLine: String {
        "{\"model\":\(jsonString(record.configuration.model)),\"dataset\":\(jsonString(dataset)),"
            + "\"epochs\":\(record.history.records.count),\"testAccuracy\":\(String(format: "%.6g", accuracy)),\"images\":\(imageCount)}"
    }
}
