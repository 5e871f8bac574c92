import Foundation

/// The settings of a training run: what `zoo train` parses from its options, what a checkpoint
/// records so that `--resume` and `zoo evaluate` can rebuild the run.

/// The update rules `zoo train --optimizer` offers.
public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
    /// `SGD` with momentum, `Adam` and `AdamW`.
    case sgd, adam, adamw

    /// The kind called `text`.
    ///
    /// - Throws: `TrainingError.invalidSetting` listing the choices.
    public static func parse(_ text: String) throws -> OptimizerKind {
        guard let kind = OptimizerKind(rawValue: text.lowercased()) else {
            throw TrainingError.invalidSetting("unknown optimizer '\(text)'; choose one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }
}

/// The learning-rate schedules `zoo train --schedule` offers, stepped once per batch.
public enum ScheduleKind: String, Sendable, Codable, CaseIterable {
    /// The initial rate throughout.
    case constant
    /// Cosine annealing to 0 over the run.
    case cosine
    /// Linear warmup over `warmupEpochs`, then cosine annealing to 0.
    case warmupCosine = "warmup-cosine"
    /// ×0.1 at 50 % and 75 % of the run: the ResNet paper's schedule (its 32k and 48k of 64k
    /// iterations).
    case step

    /// The kind called `text`.
    ///
    /// - Throws: `TrainingError.invalidSetting` listing the choices.
    public static func parse(_ text: String) throws -> ScheduleKind {
        guard let kind = ScheduleKind(rawValue: text.lowercased()) else {
            throw TrainingError.invalidSetting("unknown schedule '\(text)'; choose one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }
}

/// Everything that decides a training run's result.
public struct TrainingConfiguration: Sendable, Codable, Equatable {
    /// The model's name in the `ModelRegistry`.
    public var model: String
    /// The dataset's name in the `DatasetRegistry` (any name for data passed in directly).
    public var dataset: String
    /// The number of passes over the training set.
    public var epochs = 10
    /// Images per optimizer step.
    public var batchSize = 128
    /// The update rule.
    public var optimizer = OptimizerKind.sgd
    /// The initial learning rate, before the schedule scales it.
    public var learningRate = 0.1
    /// How the learning rate changes over the steps.
    public var schedule = ScheduleKind.cosine
    /// The epochs of linear warmup for `.warmupCosine`.
    public var warmupEpochs = 1
    /// L2 penalty for SGD and Adam, decoupled decay for AdamW.
    public var weightDecay = 5e-4
    /// SGD's momentum (ignored by Adam and AdamW).
    public var momentum = 0.9
    /// The seed of the model's initialization and of the shuffling.
    public var seed: UInt64 = 0
    /// The thread budget of the kernels and the data loader.
    public var threads = ThreadBudget.defaultCount
    /// Train on `trainingLimit` images spread evenly over the training set (quick runs); `nil`: all.
    public var trainingLimit: Int?
    /// Test on `testLimit` images spread evenly over the test set; `nil`: all.
    public var testLimit: Int?
    /// Random crops and flips of the training images (`zoo train --augment`); `nil`: none.
    public var augmentation: ImageAugmentation?
    /// Background threads that prepare batches (0: on the training thread).
    public var loaderWorkers = 1
    /// How many of the latest epoch checkpoints to keep on disk (0: all).
    public var keptCheckpoints = 3

    /// A configuration of `model` on `dataset` with the default settings.
    public init(model: String, dataset: String) {
        self.model = model
        self.dataset = dataset
    }

    /// The seed of the augmentation's draws: derived from `seed`, on a stream of its own so that
    /// the crops are not tied to the shuffling.
    public var augmentationSeed: UInt64 {
        var generator = PhiloxGenerator(seed: seed).forked(stream: 0x6175_676D)  // "augm"
        return generator.next()
    }

    /// Checks every setting.
    ///
    /// - Throws: `TrainingError.invalidSetting` naming the first setting out of range.
    public func validate() throws {
        func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw TrainingError.invalidSetting(message()) }
        }
        try check(epochs >= 1, "--epochs must be at least 1, got \(epochs)")
        try check(batchSize >= 1, "--batch-size must be at least 1, got \(batchSize)")
        try check(learningRate > 0 && learningRate.isFinite, "--learning-rate must be a positive number, got \(learningRate)")
        try check(weightDecay >= 0 && weightDecay.isFinite, "--weight-decay must be ≥ 0, got \(weightDecay)")
        try check(momentum >= 0 && momentum < 1, "--momentum must lie in [0, 1), got \(momentum)")
        try check(warmupEpochs >= 0, "--warmup-epochs must be ≥ 0, got \(warmupEpochs)")
        try check(threads >= 1, "--threads must be at least 1, got \(threads)")
        try check(trainingLimit.map { $0 >= 1 } ?? true, "--limit-train must be at least 1, got \(trainingLimit ?? 0)")
        try check(testLimit.map { $0 >= 1 } ?? true, "--limit-test must be at least 1, got \(testLimit ?? 0)")
        try check((augmentation?.padding ?? 0) >= 0, "--augment: padding must be ≥ 0, got \(augmentation?.padding ?? 0)")
        try check(loaderWorkers >= 0, "--workers must be ≥ 0, got \(loaderWorkers)")
        try check(keptCheckpoints >= 0, "--keep-checkpoints must be ≥ 0, got \(keptCheckpoints)")
    }

    /// The optimizer over `model`'s named parameters (so its state is saved under their names).
    public func makeOptimizer(for model: some Module<Float>) -> any Optimizer<Float> {
        let parameters = model.namedParameters()
        switch optimizer {
        case .sgd:
            return SGD(namedParameters: parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .adam:
            return Adam(namedParameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .adamw:
            return AdamW(namedParameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        }
    }

    /// The schedule for a run of `epochs × stepsPerEpoch` optimizer steps.
    public func makeSchedule(stepsPerEpoch: Int) -> any LearningRateSchedule {
        let totalSteps = max(epochs * stepsPerEpoch, 1)
        switch schedule {
        case .constant:
            return ConstantSchedule()
        case .cosine:
            return CosineAnnealingSchedule(totalSteps: totalSteps)
        case .warmupCosine:
            return WarmupCosineSchedule(warmupSteps: min(warmupEpochs * stepsPerEpoch, totalSteps - 1), totalSteps: totalSteps)
        case .step:
            return MultiStepSchedule(milestones: [totalSteps / 2, totalSteps * 3 / 4], gamma: 0.1)
        }
    }

    /// The configuration as one line of JSON, for a checkpoint's metadata.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A configuration read back from `json`.
    ///
    /// - Throws: `DecodingError` when the text is not a configuration.
    public init(json: String) throws {
        self = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(json.utf8))
    }
}

/// Why a training run cannot start or go on.
public enum TrainingError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A setting out of range or an unknown choice.
    case invalidSetting(String)
    /// A checkpoint written by a run of another model or dataset, or not by a training run.
    case checkpointMismatch(path: String, problem: String)
    /// The loss became NaN or infinite.
    case diverged(epoch: Int, step: Int, loss: Double)

    public var description: String {
        switch self {
        case .invalidSetting(let message):
            return message
        case let .checkpointMismatch(path, problem):
            return "\(path): \(problem)"
        case let .diverged(epoch, step, loss):
            return "the loss became \(loss) at epoch \(epoch), step \(step); lower --learning-rate or use a warmup schedule"
        }
    }

    public var errorDescription: String? { description }
}
