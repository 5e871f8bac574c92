import Foundation

/// Feng et al.'s claim at a scale that trains on two cores: a backbone pre-trained with LOOK on
/// *coarse* labels keeps more of the differences inside each coarse class than one pre-trained
/// with cross-entropy, and transfers at least as well to the *fine* labels (*Rethinking
/// Supervised Pre-training for Better Downstream Transferring*, ICLR 2022,
/// https://arxiv.org/abs/2110.06014).
///
/// Fashion-MNIST's ten classes are grouped into four coarse classes (`coarseClassOfFineClass`):
/// tops = {T-shirt 0, pullover 2, dress 3, coat 4, shirt 6}, bottoms = {trouser 1},
/// footwear = {sandal 5, sneaker 7, ankle boot 9}, bags = {bag 8}. The same small CNN
/// (`SmallConvolutionalBackbone`) is pre-trained on the coarse labels twice, with one budget
/// (the same images in the same order, SGD with momentum, a cosine schedule):
///
/// - cross-entropy through a linear classifier;
/// - LOOK (k = 10, τ = 0.1) through a 128-d MLP head, against a memory bank of features written
///   by a momentum encoder (the scalable version; the query's own image is left out by index).
///
/// The frozen backbone features are then measured on the *fine* labels: a linear probe trained
/// on a few labelled images per class, the accuracy of a cosine kNN classifier (k = 20), and the
/// within-/between-class variance ratio of the coarse classes (`ClassVariance`).
///
/// ```swift
/// let outcome = try LOOKReproduction(.quick).run(command: "zoo reproduce look --quick --seed 0")
/// try outcome.report.write(to: URL(fileURLWithPath: "runs/reproduce-look"))
/// print(outcome.report.jsonLine)
/// ```
public struct LOOKReproduction: Sendable {
    /// What decides the run's result: data, budget, loss settings, evaluation and seeds.
    public struct Configuration: Sendable, Equatable {
        /// The registered dataset with Fashion-MNIST's ten classes (28×28).
        public var dataset = "fashion-mnist"
        /// Pre-train on this many images spread evenly over the training set; `nil`: all.
        public var trainingImages: Int? = 20_000
        /// Measure on this many images spread evenly over the test set; `nil`: all.
        public var testImages: Int? = 5_000
        /// Passes over the training images.
        public var epochs = 8
        /// Images per optimizer step.
        public var batchSize = 128
        /// SGD's initial learning rate, annealed to 0 by a cosine schedule.
        public var learningRate = 0.05
        /// SGD's momentum.
        public var momentum = 0.9
        /// The L2 penalty.
        public var weightDecay = 5e-4
        /// LOOK's `k`.
        public var neighbourCount = 10
        /// LOOK's `τ`.
        public var temperature = 0.1
        /// Rows in LOOK's memory bank.
        public var bankCapacity = 4_096
        /// The momentum encoder's `m` in `θ_m ← m θ_m + (1 − m) θ`.
        public var encoderMomentum = 0.99
        /// Labelled images per fine class for the linear probes.
        public var labelsPerClass = [10, 100]
        /// `k` of the kNN classifier.
        public var knnNeighbours = 20
        /// Repetitions with seeds `seed`, `seed + 1`, ….
        public var seedCount = 3
        /// The first seed: initialization, shuffling and the probes' label draws.
        public var seed: UInt64 = 0
        /// The thread budget of the kernels.
        public var threads = ThreadBudget.defaultCount

        /// The default: 20,000 images for 8 epochs, three seeds: 80 times `quick`'s training,
        /// about 40 CPU-minutes (20–40 minutes on two quiet cores, extrapolated from `quick`).
        public static let standard = Configuration()

        /// A smoke-test version: 3,000 images for 2 epochs, one seed, 1,000 test images (70 s
        /// wall and 28 CPU-seconds in a release build on two cores loaded by other jobs).
        public static let quick: Configuration = {
            var configuration = Configuration()
            configuration.trainingImages = 3_000
            configuration.testImages = 1_000
            configuration.epochs = 2
            configuration.bankCapacity = 1_024
            configuration.seedCount = 1
            return configuration
        }()

        /// Checks every setting.
        ///
        /// - Throws: `TrainingError.invalidSetting` naming the setting and what is wrong.
        public func validate() throws {
            func check(_ condition: Bool, _ setting: String, _ problem: String) throws {
                if !condition { throw TrainingError.invalidSetting("reproduce look: \(setting): \(problem)") }
            }
            try check(trainingImages.map { $0 >= 2 * batchSize } ?? true, "training images", "need at least two batches (\(2 * batchSize))")
            try check(testImages.map { $0 >= 10 } ?? true, "test images", "need at least 10")
            try check(epochs >= 1, "epochs", "must be at least 1")
            try check(batchSize >= 2, "batch size", "must be at least 2")
            try check(learningRate > 0 && momentum >= 0 && momentum < 1 && weightDecay >= 0, "optimizer", "learning rate > 0, momentum in [0, 1), weight decay ≥ 0")
            try check(neighbourCount >= 1 && temperature > 0, "LOOK", "k ≥ 1 and τ > 0")
            try check(bankCapacity >= batchSize, "bank capacity", "must hold at least one batch (\(batchSize))")
            try check((0...1).contains(encoderMomentum), "encoder momentum", "must be in [0, 1]")
            try check(!labelsPerClass.isEmpty && labelsPerClass.allSatisfy { $0 >= 1 }, "labels per class", "need positive counts")
            try check(knnNeighbours >= 1, "kNN neighbours", "must be at least 1")
            try check(seedCount >= 1, "seeds", "must be at least 1")
        }
    }

    /// The two pre-training objectives, compared with one budget.
    public enum Method: String, Sendable, CaseIterable {
        /// Softmax cross-entropy through a linear classifier on the coarse labels.
        case crossEntropy = "cross-entropy"
        /// LOOK through a 128-d MLP head, against a momentum encoder's memory bank.
        case look = "LOOK"
    }

    /// The coarse class of each Fashion-MNIST class: tops 0, bottoms 1, footwear 2, bags 3.
    public static let coarseClassOfFineClass = [0, 1, 0, 0, 0, 2, 0, 2, 3, 2]
    /// The coarse classes' names, by index.
    public static let coarseClassNames = ["tops", "bottoms", "footwear", "bags"]

    /// What one pre-trained backbone measured.
    public struct Measurement: Sendable, Equatable {
        /// The pre-training objective.
        public var method: Method
        /// The seed of the pre-training and of the probes' label draws.
        public var seed: UInt64
        /// Linear-probe test accuracy on the fine labels, one per `labelsPerClass` entry.
        public var probeAccuracies: [Double]
        /// kNN test accuracy on the fine labels (reference: every training image).
        public var knnAccuracy: Double
        /// kNN test accuracy on the coarse labels, the pre-training task.
        public var coarseKNNAccuracy: Double
        /// Within-/between-class variance of the test features grouped by coarse class.
        public var varianceRatio: Double
        /// The same per coarse class.
        public var varianceRatioByCoarseClass: [Double]
    }

    /// The settings of this reproduction.
    public let configuration: Configuration

    /// A reproduction with `configuration`'s settings (`.standard` or `.quick`).
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Pre-trains and measures each method for each seed, and writes the tables and claims.
    ///
    /// - Parameters:
    ///   - command: the command line, recorded in the report.
    ///   - dataDirectory: where the datasets are installed.
    ///   - log: receives a line per pre-training and measurement.
    /// - Throws: `DatasetError` when the dataset is missing; `TrainingError` for a bad setting
    ///   or a diverged loss.
    public func run(command: String, dataDirectory: URL = DataDirectory.defaultURL,
                    log: (String) -> Void = { _ in }) throws -> (report: ReproductionReport, measurements: [Measurement]) {
        try configuration.validate()
        let start = ProgressBar.monotonicSeconds()
        ThreadBudget.count = configuration.threads
        let entry = try DatasetRegistry.standard.dataset(named: configuration.dataset)
        guard entry.classCount == 10 else {
            throw TrainingError.invalidSetting("reproduce look: dataset \(configuration.dataset) has \(entry.classCount) classes; the coarse grouping is Fashion-MNIST's ten")
        }
        let training = try entry.load(.train, dataDirectory: dataDirectory)
        let test = try entry.load(.test, dataDirectory: dataDirectory)
        let trainingIndices = evenlySpread(configuration.trainingImages, of: training.count)
        let testIndices = evenlySpread(configuration.testImages, of: test.count)
        var measurements: [Measurement] = []
        for repetition in 0..<configuration.seedCount {
            let seed = configuration.seed + UInt64(repetition)
            for method in Method.allCases {
                let methodStart = ProgressBar.monotonicSeconds()
                let backbone = try pretrain(method, seed: seed, images: training, indices: trainingIndices, log: log)
                let measurement = measure(backbone, method: method, seed: seed, training: (training, trainingIndices),
                                          test: (test, testIndices))
                measurements.append(measurement)
                log("\(method.rawValue) seed \(seed): probe "
                    + measurement.probeAccuracies.map { String(format: "%.4f", $0) }.joined(separator: "/")
                    + String(format: ", kNN %.4f, coarse kNN %.4f, variance ratio %.3f (%.0f s)",
                             measurement.knnAccuracy, measurement.coarseKNNAccuracy, measurement.varianceRatio,
                             ProgressBar.monotonicSeconds() - methodStart))
            }
        }
        var report = makeReport(measurements, command: command, trainingCount: trainingIndices.count, testCount: testIndices.count)
        report.seconds = ProgressBar.monotonicSeconds() - start
        return (report, measurements)
    }

    // MARK: - Pre-training

    /// Pre-trains a fresh network with `method` on the coarse labels; returns its backbone.
    func pretrain(_ method: Method, seed: UInt64, images: LabeledImages, indices: [Int],
                  log: (String) -> Void) throws -> SmallConvolutionalBackbone {
        var generator = PhiloxGenerator(seed: seed)
        let network = method == .crossEntropy
            ? PretrainingNetwork.classifier(classCount: Self.coarseClassNames.count, using: &generator)
            : PretrainingNetwork.projection(using: &generator)
        // LOOK's momentum encoder starts as a copy of the network and follows it.
        let momentumNetwork: PretrainingNetwork? = method == .look ? PretrainingNetwork.projection(using: &generator) : nil
        momentumNetwork?.copyParameters(from: network)
        var bank = MemoryBank<Float>(capacity: configuration.bankCapacity, featureCount: 128)
        let look = LOOKLoss(neighbourCount: configuration.neighbourCount, temperature: configuration.temperature)

        let batchesPerEpoch = indices.count / configuration.batchSize  // the last partial batch is dropped
        let optimizer = SGD(namedParameters: network.namedParameters(), learningRate: configuration.learningRate,
                            momentum: configuration.momentum, weightDecay: configuration.weightDecay)
        let schedule = CosineAnnealingSchedule(totalSteps: configuration.epochs * batchesPerEpoch)
        network.train()
        momentumNetwork?.train()
        // Both methods see the same images in the same order: the order comes from the seed alone.
        let orderGenerator = PhiloxGenerator(seed: seed).forked(stream: 1)
        for epoch in 0..<configuration.epochs {
            var epochGenerator = orderGenerator.forked(stream: UInt64(epoch))
            let order = Tensor<Int>.randomPermutation(indices.count, using: &epochGenerator).scalars.map { indices[$0] }
            var lossSum = 0.0
            for batch in 0..<batchesPerEpoch {
                let batchIndices = Array(order[(batch * configuration.batchSize)..<((batch + 1) * configuration.batchSize)])
                let pixels = Variable(stackedImages(images, at: batchIndices))                    // [B, 1, 28, 28]
                let coarse = batchIndices.map { Self.coarseClassOfFineClass[images.labels[$0]] }
                optimizer.applySchedule(schedule, at: optimizer.step)
                let loss: Variable<Float>
                switch method {
                case .crossEntropy:
                    loss = crossEntropy(logits: network(pixels), labels: Tensor<Int>(coarse))
                case .look:
                    let keys = withoutGradients { momentumNetwork!(pixels).value.rowsNormalized() }  // [B, 128]
                    // Written before the loss: the batch's other images are candidates at once,
                    // and each image's own row is left out by its index.
                    bank.enqueue(features: keys, labels: coarse, datasetIndices: batchIndices)
                    loss = look(network(pixels), labels: coarse, datasetIndices: batchIndices, bank: bank)
                }
                let value = Double(loss.value.scalar)
                guard value.isFinite else { throw TrainingError.diverged(epoch: epoch + 1, step: optimizer.step, loss: value) }
                lossSum += value
                optimizer.update(along: loss.backward())
                momentumNetwork?.updateMovingAverage(toward: network, momentum: configuration.encoderMomentum)
            }
            log("  \(method.rawValue) seed \(seed) epoch \(epoch + 1)/\(configuration.epochs): "
                + String(format: "coarse-label loss %.4f", lossSum / Double(max(batchesPerEpoch, 1))))
        }
        network.eval()
        return network.backbone
    }

    // MARK: - Measuring

    /// The frozen backbone's features measured on the fine and coarse labels.
    func measure(_ backbone: SmallConvolutionalBackbone, method: Method, seed: UInt64,
                 training: (images: LabeledImages, indices: [Int]), test: (images: LabeledImages, indices: [Int])) -> Measurement {
        let trainingFeatures = features(of: backbone, training.images, at: training.indices)   // [N, 64]
        let testFeatures = features(of: backbone, test.images, at: test.indices)               // [M, 64]
        let trainingLabels = training.indices.map { training.images.labels[$0] }
        let testLabels = test.indices.map { test.images.labels[$0] }
        let coarse = { (labels: [Int]) in labels.map { Self.coarseClassOfFineClass[$0] } }

        var probeAccuracies: [Double] = []
        for (position, perClass) in configuration.labelsPerClass.enumerated() {
            // The labelled images: the first `perClass` of each class in a seeded shuffle.
            var drawGenerator = PhiloxGenerator(seed: seed).forked(stream: 100 + UInt64(position))
            let shuffled = Tensor<Int>.randomPermutation(trainingLabels.count, using: &drawGenerator).scalars
            var taken = [Int](repeating: 0, count: 10), chosen: [Int] = []
            for row in shuffled where taken[trainingLabels[row]] < perClass {
                taken[trainingLabels[row]] += 1
                chosen.append(row)
            }
            let probe = LinearProbe.train(
                features: trainingFeatures.indexSelect(alongAxis: 0, indices: Tensor<Int>(chosen)),
                labels: chosen.map { trainingLabels[$0] }, classCount: 10, epochs: 100,
                batchSize: min(64, chosen.count), learningRate: 0.1, seed: seed, normalize: true)
            probeAccuracies.append(probe.accuracy(features: testFeatures, labels: testLabels))
        }
        let knnCount = min(configuration.knnNeighbours, trainingLabels.count)
        let fine = KNNClassifier(features: trainingFeatures, labels: trainingLabels, classCount: 10, neighbourCount: knnCount)
        let coarseKNN = KNNClassifier(features: trainingFeatures, labels: coarse(trainingLabels),
                                      classCount: Self.coarseClassNames.count, neighbourCount: knnCount)
        let variance = ClassVariance(features: testFeatures, labels: coarse(testLabels), classCount: Self.coarseClassNames.count)
        return Measurement(method: method, seed: seed, probeAccuracies: probeAccuracies,
                           knnAccuracy: fine.accuracy(features: testFeatures, labels: testLabels),
                           coarseKNNAccuracy: coarseKNN.accuracy(features: testFeatures, labels: coarse(testLabels)),
                           varianceRatio: variance.ratio, varianceRatioByCoarseClass: variance.ratioByClass)
    }

    /// The backbone's features of the images at `indices`, in evaluation mode, in batches.
    func features(of backbone: SmallConvolutionalBackbone, _ images: LabeledImages, at indices: [Int]) -> Tensor<Float> {
        evaluate(backbone) {
            withoutGradients {
                let parts = stride(from: 0, to: indices.count, by: 500).map { start in
                    backbone(Variable(stackedImages(images, at: Array(indices[start..<min(start + 500, indices.count)])))).value
                }
                return Tensor.concatenating(parts, alongAxis: 0)                               // [N, 64]
            }
        }
    }
}

/// `count` indices spread evenly over `0..<total` (all of them when `count` is nil or too large).
func evenlySpread(_ count: Int?, of total: Int) -> [Int] {
    guard let count, count < total else { return Array(0..<total) }
    return (0..<count).map { $0 * total / count }
}

/// The images at `indices` as one batch, `[B, C, H, W]`.
func stackedImages(_ images: LabeledImages, at indices: [Int]) -> Tensor<Float> {
    Tensor.stacking(indices.map { images.image(at: $0) }, alongAxis: 0)
}
