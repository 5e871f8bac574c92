import Foundation

/// He et al.'s central claim at a scale that trains on two cores: deeper *plain* networks reach a
/// *higher* training error than shallower ones, deeper *residual* networks do not (*Deep Residual
/// Learning for Image Recognition*, CVPR 2016, Fig. 6, https://arxiv.org/abs/1512.03385).
///
/// Four networks of the paper's CIFAR family (§4.2) — plain and residual, shallow and deep
/// (plain-20, plain-56, ResNet-20, ResNet-56 by default, the registry's `plain20` … `resnet56`) —
/// train with one budget: the same images in the same order with the same crops and flips, the
/// same epochs, SGD (lr 0.1, momentum 0.9, weight decay 5e-4), one epoch of linear warm-up then a
/// cosine schedule, and batch 128.
/// After each epoch the training error is measured in evaluation mode on the training images
/// without augmentation; the test error after the last epoch.
///
/// ```swift
/// let reproduction = ResNetReproduction(.quick)
/// let outcome = try reproduction.run(command: "zoo reproduce resnet --quick --seed 0")
/// try outcome.write(to: URL(fileURLWithPath: "runs/reproduce-resnet"))  // report.md, report.json, training-error.svg
/// print(outcome.report.jsonLine)
/// ```
public struct ResNetReproduction: Sendable {
    /// What decides the run's result: data, networks, budget and seed.
    public struct Configuration: Sendable, Equatable {
        /// The registered dataset (Fashion-MNIST at CIFAR-10's 32×32 by default).
        public var dataset = "fashion-mnist-32"
        /// The shallow networks' depth, `6n + 2` (20 in Fig. 6).
        public var shallowDepth = 20
        /// The deep networks' depth, `6n + 2` (56 in Fig. 6).
        public var deepDepth = 56
        /// Train on this many images spread evenly over the training set; `nil`: all of them.
        public var trainingImages: Int? = 3_000
        /// Measure the training error after each epoch on this many of the training images,
        /// spread evenly over them; `nil`: all of them (evaluating costs a third of training).
        public var trainingErrorImages: Int? = 1_000
        /// Test on this many images spread evenly over the test set; `nil`: all of them.
        public var testImages: Int? = 2_000
        /// Passes over the training images.
        public var epochs = 8
        /// Images per optimizer step (128, as in the paper).
        public var batchSize = 128
        /// SGD's peak learning rate (0.1, as in the paper), annealed by a cosine schedule.
        public var learningRate = 0.1
        /// Epochs of linear warm-up to `learningRate` before the cosine schedule (0: none). The paper
        /// warms ResNet-110 up at lr 0.01 because 0.1 "is slightly too large to start converging";
        /// in this run's few hundred steps, ResNet-56 started at 0.1 diverged in its first epoch
        /// (loss 6.2, then chance for all 8 epochs), so every network warms up for one epoch.
        public var warmupEpochs = 1
        /// SGD's momentum (0.9).
        public var momentum = 0.9
        /// The L2 penalty (5e-4 as in kuangliu's recipe; the paper used 1e-4).
        public var weightDecay = 5e-4
        /// The paper's CIFAR augmentation (pad 4, random 32×32 crop, horizontal flip); `nil`: none.
        public var augmentation: ImageAugmentation? = ImageAugmentation()
        /// The seed of every network's initialization, the shuffling and the augmentation.
        public var seed: UInt64 = 0
        /// The thread budget of the kernels and the data loader.
        public var threads = ThreadBudget.defaultCount
        /// Background threads preparing batches (0: on the training thread).
        public var loaderWorkers = 1

        /// The default configuration: 3,000 training images for 8 epochs (about half an hour on
        /// two cores), the training error on 1,000 of them, 2,000 test images.
        public static let standard = Configuration()

        /// A smoke-test version, about a minute on two cores: 320 training images for 2 epochs.
        /// Its verdicts say little: six steps are too few to separate the networks.
        public static let quick: Configuration = {
            var configuration = Configuration()
            configuration.trainingImages = 320
            configuration.trainingErrorImages = nil
            configuration.testImages = 256
            configuration.epochs = 2
            return configuration
        }()

        /// The four networks in the order the tables list them: plain shallow, plain deep,
        /// residual shallow, residual deep.
        public var networks: [Network] {
            [Network(depth: shallowDepth, residual: false), Network(depth: deepDepth, residual: false),
             Network(depth: shallowDepth, residual: true), Network(depth: deepDepth, residual: true)]
        }

        /// The `TrainingRun` settings of `network`: the budget every network shares.
        public func trainingConfiguration(for network: Network) -> TrainingConfiguration {
            var configuration = TrainingConfiguration(model: network.registryName, dataset: dataset)
            configuration.epochs = epochs
            configuration.batchSize = batchSize
            configuration.optimizer = .sgd
            configuration.learningRate = learningRate
            configuration.momentum = momentum
            configuration.weightDecay = weightDecay
            configuration.schedule = warmupEpochs > 0 ? .warmupCosine : .cosine
            configuration.warmupEpochs = warmupEpochs
            configuration.seed = seed
            configuration.threads = threads
            configuration.trainingLimit = trainingImages
            configuration.testLimit = testImages
            configuration.augmentation = augmentation
            configuration.loaderWorkers = loaderWorkers
            return configuration
        }

        /// Checks every setting.
        ///
        /// - Throws: `TrainingError.invalidSetting` naming the first setting out of range.
        public func validate() throws {
            for depth in [shallowDepth, deepDepth] where depth < 8 || (depth - 2) % 6 != 0 {
                throw TrainingError.invalidSetting("ResNetReproduction: depth \(depth) is not 6n + 2 with n ≥ 1 (8, 14, 20, …, 56)")
            }
            guard shallowDepth < deepDepth else {
                throw TrainingError.invalidSetting("ResNetReproduction: the shallow depth \(shallowDepth) must be below the deep \(deepDepth)")
            }
            try trainingConfiguration(for: networks[0]).validate()
        }
    }

    /// One of the four networks: the paper's CIFAR network of a depth, with or without shortcuts.
    public struct Network: Sendable, Equatable, Hashable {
        /// `6n + 2` weighted layers.
        public var depth: Int
        /// Whether the blocks have identity shortcuts (option A); false: the plain network.
        public var residual: Bool

        /// The network of `depth` layers, plain or residual.
        public init(depth: Int, residual: Bool) {
            self.depth = depth
            self.residual = residual
        }

        /// The paper's name: `plain-56`, `ResNet-56`.
        public var name: String { (residual ? "ResNet-" : "plain-") + "\(depth)" }
        /// The name in the `ModelRegistry` (`plain56`, `resnet56`; registered for 20 and 56).
        public var registryName: String { (residual ? "resnet" : "plain") + "\(depth)" }

        /// The network for images of `channels` channels and `classes` classes, its weights drawn
        /// from `generator` (what the registry's `plain20` … `resnet56` build).
        public func build(channels: Int, classes: Int, using generator: inout PhiloxGenerator) -> ResNet<Float> {
            ResNet<Float>.cifar(depth: depth, shortcut: .identityPadding, classCount: classes, inputChannels: channels,
                                residual: residual, using: &generator)
        }
    }

    /// What one network's training measured.
    public struct NetworkResult: Sendable, Equatable {
        /// The network trained.
        public var network: Network
        /// Its number of parameters.
        public var parameterCount: Int
        /// The error on the training images (`trainingErrorImages` of them) after each epoch, in
        /// `[0, 1]`: evaluation mode (batch-norm running statistics), without augmentation.
        public var trainingErrors: [Double]
        /// Each epoch's running error in `[0, 1]`: over its augmented batches, in training mode,
        /// while the weights changed (what a training loop's progress bar shows).
        public var runningTrainingErrors: [Double]
        /// The error on the test images after the last epoch, in `[0, 1]`.
        public var testError: Double
        /// Training images per second (evaluation excluded); varies from run to run.
        public var imagesPerSecond: Double
        /// Wall-clock seconds of the network's training and evaluation.
        public var seconds: Double

        /// The training error after the last epoch.
        public var finalTrainingError: Double { trainingErrors.last ?? .nan }
    }

    /// The settings of this reproduction.
    public let configuration: Configuration

    /// A reproduction with the given settings.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    // MARK: - Running

    /// Loads the dataset and trains the four networks.
    ///
    /// - Parameters:
    ///   - command: the command line that reproduces the run, for the report.
    ///   - dataDirectory: where the installed datasets are.
    ///   - datasets: the registry the configuration's dataset is looked up in.
    ///   - progress: where each epoch's progress bar goes; `nil` shows none.
    ///   - log: receives one line per epoch and network.
    /// - Throws: `TrainingError.invalidSetting` for a setting out of range, `RegistryError` for an
    ///   unknown dataset, `DatasetError` when it is not installed, `TrainingError.diverged`.
    public func run(command: String, dataDirectory: URL = DataDirectory.defaultURL, datasets: DatasetRegistry = .standard,
                    progress: ProgressOutput? = nil, log: (String) -> Void = { _ in }) throws -> Outcome {
        try configuration.validate()
        let entry = try datasets.dataset(named: configuration.dataset)
        let training = try entry.load(.train, dataDirectory: dataDirectory)
        let test = try entry.load(.test, dataDirectory: dataDirectory)
        return try run(training: training, test: test, command: command, progress: progress, log: log)
    }

    /// Trains the four networks on `training` and tests them on `test` (each limited to the
    /// configuration's image counts, spread evenly).
    ///
    /// - Throws: `TrainingError.invalidSetting` for a setting out of range, `TrainingError.diverged`.
    public func run(training: LabeledImages, test: LabeledImages, command: String,
                    progress: ProgressOutput? = nil, log: (String) -> Void = { _ in }) throws -> Outcome {
        try configuration.validate()
        let start = ProgressBar.monotonicSeconds()
        let training = configuration.trainingImages.map { training.evenlySpaced($0) } ?? training
        let test = configuration.testImages.map { test.evenlySpaced($0) } ?? test
        var results: [NetworkResult] = []
        for network in configuration.networks {
            results.append(try train(network, training: training, test: test, progress: progress, log: log))
        }
        return Outcome(configuration: configuration, results: results, command: command,
                       trainingImageCount: training.count, testImageCount: test.count,
                       seconds: ProgressBar.monotonicSeconds() - start)
    }

    /// Trains one network with the shared budget and measures its errors.
    func train(_ network: Network, training: LabeledImages, test: LabeledImages,
               progress: ProgressOutput?, log: (String) -> Void) throws -> NetworkResult {
        let start = ProgressBar.monotonicSeconds()
        let settings = configuration.trainingConfiguration(for: network)
        var generator = PhiloxGenerator(seed: configuration.seed)
        let classes = (training.labels + test.labels).max().map { $0 + 1 } ?? 1
        let model = network.build(channels: training.sampleShape[0], classes: classes, using: &generator)
        let run = try TrainingRun(configuration: settings, model: model,
                                  trainingData: training.augmented(settings.augmentation, seed: settings.augmentationSeed),
                                  testData: test, outputDirectory: nil)
        let evaluated = configuration.trainingErrorImages.map { training.evenlySpaced($0) } ?? training
        let trainingEvaluation = DataLoader(evaluated.withoutAugmentation, batchSize: settings.batchSize,
                                            workers: settings.loaderWorkers)
        var trainingErrors: [Double] = [], runningErrors: [Double] = [], trainingSeconds = 0.0
        for epoch in 1...settings.epochs {
            let epochStart = ProgressBar.monotonicSeconds()
            let (_, runningAccuracy) = try run.trainOneEpoch(epoch, progress: progress)
            let epochSeconds = ProgressBar.monotonicSeconds() - epochStart
            trainingSeconds += epochSeconds
            runningErrors.append(1 - runningAccuracy)
            trainingErrors.append(1 - TrainingRun<LabeledImages, LabeledImages>.accuracy(of: model, on: trainingEvaluation))
            log("\(network.name) " + String(format: "epoch %d/%d: training error %.2f %% (running %.2f %%), training %.0f img/s",
                       epoch, settings.epochs, 100 * trainingErrors.last!, 100 * runningErrors.last!,
                       Double(training.count) / epochSeconds))
        }
        let testError = 1 - run.test()
        log("\(network.name): " + String(format: "test error %.2f %%", 100 * testError))
        return NetworkResult(network: network, parameterCount: model.parameterCount, trainingErrors: trainingErrors,
                             runningTrainingErrors: runningErrors, testError: testError,
                             imagesPerSecond: trainingSeconds > 0 ? Double(settings.epochs * training.count) / trainingSeconds : 0,
                             seconds: ProgressBar.monotonicSeconds() - start)
    }
}
