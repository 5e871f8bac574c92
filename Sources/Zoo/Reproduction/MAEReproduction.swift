import Foundation

/// He et al., *Masked Autoencoders Are Scalable Vision Learners* (CVPR 2022) at a scale that runs
/// on two cores: a small MAE pre-trained on Fashion-MNIST images without their labels, then
///
/// 1. the masked-patch loss curve and pictures of reconstructions;
/// 2. a linear probe (`BatchNorm1d(affine: false)` + Linear) on the frozen encoder, beside the same
///    probe on the encoder as it was before pre-training (a random encoder);
/// 3. the encoder fine-tuned as a ViT classifier with 1 % and 10 % of the labels, beside the same
///    ViT trained from scratch.
///
/// The pre-training recipe is MAE's (`main_pretrain.py`): mask ratio 0.75, AdamW β = (0.9, 0.95),
/// weight decay 0.05 on weight matrices only (no decay on biases, norms, the class and mask tokens
/// and the fixed position embeddings), `lr = base · batch / 256`, linear warmup then cosine decay
/// per step, random resized crops (scale 0.2–1) and horizontal flips.
///
/// ```swift
/// let outcome = try MAEReproduction(.quick).run(command: "zoo reproduce mae --quick", dataDirectory: DataDirectory.defaultURL)
/// try outcome.write(to: URL(fileURLWithPath: "runs/reproduce-mae"))
/// print(outcome.report.jsonLine)
/// ```
public struct MAEReproduction: Sendable {
    /// Everything a run depends on; the same settings and seed give the same tables.
    public struct Configuration: Sendable, Hashable {
        /// The dataset, by its registry name (`fashion-mnist`, 28 × 28 grey).
        public var dataset = "fashion-mnist"
        /// The autoencoder; its image size and channels must match the dataset's.
        public var model = MaskedAutoencoderConfiguration.tinyFashionMNIST
        /// Training images used, spread evenly over the training split: the pre-training set
        /// (without labels), the probe's training set and the pool the labeled fractions come from.
        public var trainingImages = 60_000
        /// Test images, spread evenly over the test split.
        public var testImages = 10_000
        /// Passes over the training images during pre-training.
        public var pretrainingEpochs = 10
        /// Images per pre-training step.
        public var batchSize = 256
        /// MAE's base learning rate: `lr = base · batchSize / 256` (MAE: 1.5e-4).
        public var baseLearningRate = 1.5e-4
        /// The fraction of pre-training steps spent in linear warmup (MAE: 40 of 800 epochs).
        public var warmupFraction = 0.05
        /// AdamW's decoupled weight decay on weight matrices (0.05).
        public var weightDecay = 0.05
        /// The area range of the random resized crops (MAE: 0.2–1).
        public var cropScale: ClosedRange<Double> = 0.2...1
        /// Passes of the linear probe over the training features.
        public var probeEpochs = 30
        /// The fractions of the training images whose labels fine-tuning may use.
        public var labelFractions = [0.01, 0.1]
        /// Fine-tuning steps per fraction, for the MAE-initialized and the scratch ViT alike.
        public var fineTuningSteps = 600
        /// Images per fine-tuning step (fewer when the labeled set is smaller).
        public var fineTuningBatchSize = 64
        /// The fine-tuning learning rate (AdamW, warmup 10 % then cosine, flips only), both initializations.
        public var fineTuningLearningRate = 1e-3
        /// Images per encoder call when computing features and test accuracies.
        public var evaluationBatchSize = 500
        /// The seed of the initialization, masking, augmentation and order of everything.
        public var seed: UInt64 = 0
        /// Threads for the kernels.
        public var threads = ThreadBudget.defaultCount

        /// The default settings, those of `standard`.
        public init() {}

        /// The default run: all 60,000 training images for 10 epochs of pre-training, 1 % and 10 %
        /// of the labels for 600 fine-tuning steps each.
        public static let standard = Configuration()

        /// A smoke run of about a minute: 4,000 training images for 3 epochs, 500 test images,
        /// 40 and 400 labels for 50 fine-tuning steps of 32 images each.
        public static let quick: Configuration = {
            var configuration = Configuration()
            configuration.trainingImages = 4_000
            configuration.testImages = 500
            configuration.pretrainingEpochs = 3
            configuration.probeEpochs = 20
            configuration.fineTuningSteps = 50
            configuration.fineTuningBatchSize = 32
            return configuration
        }()

        /// The pre-training learning rate, `base · batchSize / 256`.
        public var learningRate: Double { baseLearningRate * Double(batchSize) / 256 }

        /// Checks the settings.
        ///
        /// - Throws: `TrainingError.invalidSetting` naming the setting that is out of range.
        public func validate() throws {
            func require(_ condition: Bool, _ name: String, _ problem: String) throws {
                if !condition { throw TrainingError.invalidSetting("zoo reproduce mae: \(name): \(problem)") }
            }
            try require(trainingImages >= 100, "training images", "\(trainingImages) is fewer than 100")
            try require(testImages >= 1, "test images", "\(testImages) is not positive")
            try require(pretrainingEpochs >= 1, "pre-training epochs", "\(pretrainingEpochs) is not positive")
            try require(batchSize >= 2 && batchSize <= trainingImages, "batch size", "\(batchSize) is not in 2...\(trainingImages)")
            try require(baseLearningRate > 0 && fineTuningLearningRate > 0, "learning rate", "must be positive")
            try require(warmupFraction >= 0 && warmupFraction < 1, "warmup fraction", "\(warmupFraction) is not in [0, 1)")
            try require(model.maskRatio >= 0 && model.maskRatio < 1, "mask ratio", "\(model.maskRatio) is not in [0, 1)")
            try require(labelFractions.allSatisfy { $0 > 0 && $0 <= 1 && Int($0 * Double(trainingImages)) >= 10 },
                        "label fractions", "\(labelFractions): each must be in (0, 1] and give at least 10 labels")
            try require(probeEpochs >= 1 && fineTuningSteps >= 1 && fineTuningBatchSize >= 2, "probe or fine-tuning length",
                        "epochs, steps and batch size must be positive")
            try require(threads >= 1, "threads", "\(threads) is not positive")
        }
    }

    /// The settings of this reproduction.
    public let configuration: Configuration

    /// A reproduction with the given settings.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }
}

/// What a run measured, besides the report built from it.
public struct MAEMeasurements: Sendable, Equatable {
    /// The mean masked-patch loss of each stretch of pre-training steps: `(step, loss)`.
    public var lossCurve: [(step: Int, loss: Double)] = []
    /// The mean loss of the first and the last 5 % of the steps.
    public var firstLoss = Double.nan, lastLoss = Double.nan
    /// The pre-training steps taken.
    public var pretrainingSteps = 0
    /// Test accuracy of the linear probe on the class token of the pre-trained and of the random encoder.
    public var probeAccuracy = Double.nan, randomProbeAccuracy = Double.nan
    /// The same on the mean of the patch tokens.
    public var patchMeanProbeAccuracy = Double.nan, randomPatchMeanProbeAccuracy = Double.nan
    /// Test accuracy after fine-tuning, per label fraction: MAE-initialized and from scratch.
    public var fineTuned: [Double: Double] = [:], scratch: [Double: Double] = [:]
    /// The labeled images each fraction gave.
    public var labelCounts: [Double: Int] = [:]

    /// No measurements yet: empty curves and tables, NaN accuracies.
    public init() {}

    public static func == (lhs: MAEMeasurements, rhs: MAEMeasurements) -> Bool {
        lhs.lossCurve.map(\.step) == rhs.lossCurve.map(\.step) && lhs.lossCurve.map(\.loss) == rhs.lossCurve.map(\.loss)
            && lhs.probeAccuracy == rhs.probeAccuracy && lhs.randomProbeAccuracy == rhs.randomProbeAccuracy
            && lhs.patchMeanProbeAccuracy == rhs.patchMeanProbeAccuracy
            && lhs.randomPatchMeanProbeAccuracy == rhs.randomPatchMeanProbeAccuracy
            && lhs.fineTuned == rhs.fineTuned && lhs.scratch == rhs.scratch
    }
}
