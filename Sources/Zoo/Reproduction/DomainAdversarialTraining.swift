import Foundation

/// DANN's training loop (Ganin et al. 2016, Algorithm 1 in its GRL form, section 3.2): each step
/// takes a labelled source batch and an unlabelled target batch of the same size and minimizes
///
/// ```
/// CE(G_y(f_s), y_s) + CE(G_d(GRL_λ(f_s)), 0) + CE(G_d(GRL_λ(f_t)), 1)      (batch means)
/// ```
///
/// with SGD (momentum 0.9), `λ_p = 2/(1 + exp(−10p)) − 1` and `μ_p = μ₀/(1 + 10p)^0.75` at progress
/// `p = step / steps`. The baselines run the same loop: source-only without the domain terms,
/// train-on-target on target batches *with* their labels (the upper bound), and the cooperative
/// ablation with the GRL's sign flipped (`+λ`), which helps the domain classifier instead of
/// fooling it. Target labels are read only by train-on-target and by evaluation.

/// How a run uses the two domains.
public enum DomainAdaptationMethod: String, Sendable, CaseIterable, Codable {
    /// Source labels only, no domain classifier: the lower bound.
    case sourceOnly = "source only"
    /// Source labels plus the domain classifier behind the GRL (`−λ`).
    case domainAdversarial = "DANN"
    /// DANN with the GRL's sign flipped (`+λ`): features that make the domains *easier* to tell
    /// apart — the ablation showing that the reversal, not the extra head, does the work.
    case cooperative = "DANN, GRL sign flipped"
    /// Target labels (the samples the other methods see unlabelled): the upper bound.
    case trainOnTarget = "train on target"
}

/// Whether the domain classifier's own update is scaled by λ (see `DomainAdversarialNetwork`).
public enum DomainClassifierGradient: String, Sendable, Codable {
    /// `L_y + L_d` through a GRL of scale λ: the domain classifier learns at the full rate (the
    /// GRL implementations; the default).
    case unscaled
    /// `L_y + λ·L_d` through a GRL of scale 1: the paper's equations 13–15, where the domain
    /// classifier's step is also multiplied by λ.
    case scaledByAdaptationFactor
}

/// The settings of one domain-adversarial run.
public struct DomainAdversarialConfiguration: Sendable {
    /// Which loss to minimize.
    public var method: DomainAdaptationMethod
    /// Optimizer steps; progress `p` reaches 1 at the last.
    public var steps: Int
    /// Samples per domain in a step (the paper: 64 + 64 = 128).
    public var batchSize: Int
    /// `μ₀` (0.01 in the paper).
    public var learningRate = 0.01
    /// SGD momentum (0.9 in the paper).
    public var momentum = 0.9
    /// `γ` of the λ schedule (10).
    public var gamma = 10.0
    /// `α` and `β` of the learning-rate annealing (10 and 0.75).
    public var decayAlpha = 10.0, decayBeta = 0.75
    /// Whether λ also scales the domain classifier's own step.
    public var domainClassifierGradient = DomainClassifierGradient.unscaled
    /// The seed of the batch order (the model's initialization is the caller's).
    public var seed: UInt64

    /// - Precondition: `steps` and `batchSize` are positive.
    public init(method: DomainAdaptationMethod, steps: Int, batchSize: Int = 64, seed: UInt64) {
        precondition(steps > 0 && batchSize > 0,
                     "DomainAdversarialConfiguration: steps \(steps) and batch size \(batchSize) must be positive")
        self.method = method
        self.steps = steps
        self.batchSize = batchSize
        self.seed = seed
    }
}

/// What one step did, for logs and curves.
public struct DomainAdversarialStep: Sendable, Equatable {
    /// The step, from 0.
    public var step: Int
    /// `λ_p` used in the step.
    public var adaptationFactor: Double
    /// `μ_p` used in the step.
    public var learningRate: Double
    /// The label classifier's cross-entropy.
    public var labelLoss: Double
    /// The domain classifier's loss (mean over source + mean over target), 0 without one.
    public var domainLoss: Double
    /// The domain classifier's accuracy on the step's two batches, `nil` without one.
    public var domainAccuracy: Double?
}

/// Trains a `DomainAdversarialNetwork` with one of the `DomainAdaptationMethod`s.
public struct DomainAdversarialTraining: Sendable {
    /// The settings of the run.
    public var configuration: DomainAdversarialConfiguration

    /// A trainer with the given settings.
    public init(configuration: DomainAdversarialConfiguration) {
        self.configuration = configuration
    }

    /// Runs `configuration.steps` steps on `model`, in place.
    ///
    /// - Parameters:
    ///   - model: the network to train.
    ///   - source: labelled source samples.
    ///   - target: target samples; their labels are used only by `.trainOnTarget`.
    ///   - onStep: called after each step (a progress bar, a log).
    /// - Returns: every step's record.
    @discardableResult
    public func train<Source: Dataset<LabeledSample<Float>>, Target: Dataset<LabeledSample<Float>>>(
        _ model: DomainAdversarialNetwork<Float>, source: Source, target: Target,
        onStep: (DomainAdversarialStep) -> Void = { _ in }
    ) -> [DomainAdversarialStep] {
        let configuration = configuration
        let batchSize = configuration.batchSize
        precondition(source.count >= batchSize && target.count >= batchSize,
                     "DomainAdversarialTraining: batch size \(batchSize) exceeds the source (\(source.count)) or target (\(target.count)) samples")
        var generator = PhiloxGenerator(seed: configuration.seed)
        var sourceOrder = ShuffledBatches(count: source.count, batchSize: batchSize, generator: generator.split())
        var targetOrder = ShuffledBatches(count: target.count, batchSize: batchSize, generator: generator.split())
        let optimizer = SGD(namedParameters: model.namedParameters(), learningRate: configuration.learningRate,
                            momentum: configuration.momentum)
        let annealing = InverseDecaySchedule(totalSteps: configuration.steps, alpha: configuration.decayAlpha, beta: configuration.decayBeta)
        let adaptation = AdaptationFactorSchedule(totalSteps: configuration.steps, gamma: configuration.gamma)
        let domainLabels = Tensor<Int>([Int](repeating: 0, count: batchSize) + [Int](repeating: 1, count: batchSize))
        model.train()

        var records: [DomainAdversarialStep] = []
        records.reserveCapacity(configuration.steps)
        for step in 0..<configuration.steps {
            optimizer.applySchedule(annealing, at: step)
            let lambda = adaptation.factor(at: step)
            // Both batches are drawn every step, whatever the method, so that all methods see the
            // same source batches in the same order.
            let sourceBatch = LabeledSample.collate(sourceOrder.next().map { source.sample(at: $0) })  // [B, …]
            let targetBatch = LabeledSample.collate(targetOrder.next().map { target.sample(at: $0) })  // [B, …]
            var record = DomainAdversarialStep(step: step, adaptationFactor: lambda, learningRate: optimizer.learningRate,
                                               labelLoss: 0, domainLoss: 0, domainAccuracy: nil)
            let loss: Variable<Float>
            switch configuration.method {
            case .sourceOnly, .trainOnTarget:
                let batch = configuration.method == .sourceOnly ? sourceBatch : targetBatch
                loss = crossEntropy(logits: model(Variable(batch.features)), labels: batch.labels)
                record.labelLoss = Double(loss.value.scalar)
            case .domainAdversarial, .cooperative:
                let inputs = Tensor.concatenating([sourceBatch.features, targetBatch.features])  // [2B, …]
                let features = model.extractFeatures(Variable(inputs))                            // [2B, F]
                let sourceFeatures = features.split(sizes: [batchSize, batchSize])[0]            // [B, F]
                let labelLoss = crossEntropy(logits: model.classifyLabels(sourceFeatures), labels: sourceBatch.labels)
                let sign: Float = configuration.method == .domainAdversarial ? 1 : -1
                let (reversalScale, domainWeight): (Float, Float) = configuration.domainClassifierGradient == .unscaled
                    ? (sign * Float(lambda), 1) : (sign, Float(lambda))
                let domainLogits = model.classifyDomains(features, reversalScale: reversalScale)  // [2B, 2]
                // The sum over both batches divided by B: the source mean plus the target mean.
                let domainLoss = crossEntropy(logits: domainLogits, labels: domainLabels, reduction: .sum) / Float(batchSize)
                loss = labelLoss + domainLoss * domainWeight
                record.labelLoss = Double(labelLoss.value.scalar)
                record.domainLoss = Double(domainLoss.value.scalar)
                record.domainAccuracy = Autograd.accuracy(logits: domainLogits.value, labels: domainLabels)
            }
            optimizer.update(along: loss.backward())
            records.append(record)
            onStep(record)
        }
        return records
    }

    /// The accuracy of `model`'s class logits on `dataset` (or on the samples at `indices`).
    public static func accuracy<Samples: Dataset<LabeledSample<Float>>>(
        of model: DomainAdversarialNetwork<Float>, on dataset: Samples, indices: [Int]? = nil, batchSize: Int = 500
    ) -> Double {
        var result = Accuracy()
        forEachBatch(of: dataset, indices: indices, batchSize: batchSize) { batch in
            result.add(logits: evaluate(model) { model(Variable(batch.features)).value }, labels: batch.labels)
        }
        return result.value
    }

    /// The features `f = G_f(x)` of `dataset`'s samples (or of those at `indices`), in evaluation
    /// mode: `[N, F]`, with their labels.
    public static func features<Samples: Dataset<LabeledSample<Float>>>(
        of model: DomainAdversarialNetwork<Float>, on dataset: Samples, indices: [Int]? = nil, batchSize: Int = 500
    ) -> (features: Tensor<Float>, labels: [Int]) {
        var pieces: [Tensor<Float>] = [], labels: [Int] = []
        forEachBatch(of: dataset, indices: indices, batchSize: batchSize) { batch in
            pieces.append(evaluate(model) { model.extractFeatures(Variable(batch.features)).value })  // [b, F]
            labels += batch.labels.scalars
        }
        return (Tensor.concatenating(pieces), labels)
    }

    private static func forEachBatch<Samples: Dataset<LabeledSample<Float>>>(
        of dataset: Samples, indices: [Int]?, batchSize: Int, _ body: (LabeledBatch<Float>) -> Void
    ) {
        let chosen = indices ?? Array(0..<dataset.count)
        precondition(!chosen.isEmpty, "DomainAdversarialTraining: no samples to evaluate")
        for start in stride(from: 0, to: chosen.count, by: batchSize) {
            let slice = chosen[start..<Swift.min(start + batchSize, chosen.count)]
            body(LabeledSample.collate(slice.map { dataset.sample(at: $0) }))
        }
    }
}

/// Batches of indices in a fresh random order each pass over `0..<count`, never crossing a pass
/// (the last incomplete batch of a pass is dropped), forever.
struct ShuffledBatches {
    let count: Int
    let batchSize: Int
    var generator: PhiloxGenerator
    var order: [Int] = []
    var position = 0

    init(count: Int, batchSize: Int, generator: PhiloxGenerator) {
        precondition(batchSize <= count, "ShuffledBatches: batch size \(batchSize) exceeds \(count) samples")
        self.count = count
        self.batchSize = batchSize
        self.generator = generator
    }

    /// The next batch's indices.
    mutating func next() -> [Int] {
        if position + batchSize > order.count {
            order = Tensor<Int>.randomPermutation(count, using: &generator).scalars
            position = 0
        }
        defer { position += batchSize }
        return Array(order[position..<position + batchSize])
    }
}
