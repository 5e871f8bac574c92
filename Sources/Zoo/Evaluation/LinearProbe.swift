import Foundation

/// A linear classifier trained on frozen features: the standard measure of how much a
/// self-supervised encoder's features say about the labels (MAE's `main_linprobe.py`).
///
/// ```swift
/// let train = LinearProbe.features(of: { encoder.features($0) }, dataset: trainingImages, batchSize: 256)
/// let test = LinearProbe.features(of: { encoder.features($0) }, dataset: testImages, batchSize: 256)
/// let probe = LinearProbe.train(features: train.features, labels: train.labels, classCount: 10,
///                               epochs: 20, batchSize: 256, learningRate: 0.1, seed: 0, normalize: true)
/// print(probe.accuracy(features: test.features, labels: test.labels))
/// ```
///
/// As in MAE, the head may be preceded by a `BatchNorm1d(affine: false, eps: 1e-6)`, which
/// standardizes each feature (features of different encoders have very different scales) without
/// adding anything the linear layer could not express. MAE trains the head with LARS; here it is
/// SGD with momentum 0.9, no weight decay and a cosine schedule, which suits a single linear layer
/// on standardized features as well.
public final class LinearProbe: Layer, @unchecked Sendable {
    public typealias Scalar = Float
    public var isTraining = true
    /// The feature standardization before the head (MAE's `BatchNorm1d(affine=False, eps=1e-6)`),
    /// or `nil` without it; saved as `bn`.
    public let normalization: BatchNorm1d<Float>?
    /// `Linear(D, classCount)`, weight truncated normal σ 0.01 and bias zero (MAE's init).
    public let head: Linear<Float>

    public static var keyOverrides: [String: String] { ["normalization": "bn"] }

    /// An untrained probe for `featureCount`-dimensional features.
    public init(featureCount: Int, classCount: Int, normalize: Bool, using generator: inout PhiloxGenerator) {
        precondition(featureCount >= 1 && classCount >= 2,
                     "LinearProbe: \(featureCount) features and \(classCount) classes; need at least 1 and 2")
        normalization = normalize ? BatchNorm1d(featureCount: featureCount, epsilon: 1e-6, affine: false) : nil
        head = Linear(inputFeatures: featureCount, outputFeatures: classCount, using: &generator)
        head.weight.initialize(.truncatedNormal(standardDeviation: 0.01), using: &generator)
        head.bias?.initialize(.zeros, using: &generator)
    }

    /// Features `[B, D]` → logits `[B, classCount]`.
    public func forward(_ features: Variable<Float>) -> Variable<Float> {
        head(normalization.map { $0(features) } ?? features)
    }

    /// The encoder's features of every sample of `dataset`, in order, computed in batches with
    /// nothing recorded.
    ///
    /// - Parameters:
    ///   - encoder: images `[B, C, H, W]` → features `[B, D]` (put the model in evaluation mode first).
    ///   - dataset: the labeled images.
    ///   - batchSize: images per encoder call.
    /// - Returns: `features` `[N, D]` and the `N` labels.
    public static func features<Images: Dataset>(
        of encoder: (Variable<Float>) -> Variable<Float>, dataset: Images, batchSize: Int
    ) -> (features: Tensor<Float>, labels: [Int]) where Images.Sample == LabeledSample<Float> {
        precondition(dataset.count > 0, "LinearProbe.features: the dataset is empty")
        var parts: [Tensor<Float>] = [], labels: [Int] = []
        withoutGradients {
            for batch in DataLoader(dataset, batchSize: batchSize) {
                let features = encoder(Variable(batch.features)).value                   // [B, D]
                precondition(features.rank == 2 && features.shape[0] == batch.labels.count,
                             "LinearProbe.features: the encoder returned \(features.shape), not [\(batch.labels.count), D]")
                parts.append(features)
                labels += batch.labels.scalars
            }
        }
        return (Tensor.concatenating(parts, alongAxis: 0), labels)                        // [N, D]
    }

    /// A probe trained on `features` with cross-entropy: shuffled mini-batches (the order drawn
    /// from `seed` and the epoch), SGD momentum 0.9, no weight decay, cosine decay of the
    /// learning rate to zero over all steps. Returned in evaluation mode.
    ///
    /// - Parameters:
    ///   - features: `[N, D]`, frozen.
    ///   - labels: `N` classes in `0..<classCount`.
    ///   - classCount: the number of classes, the probe's outputs.
    ///   - epochs: passes over the features.
    ///   - batchSize: features per mini-batch.
    ///   - learningRate: the initial learning rate, decayed to zero.
    ///   - seed: the seed of the batch order.
    ///   - normalize: standardize the features with `BatchNorm1d(affine: false)` first, as MAE does.
    public static func train(
        features: Tensor<Float>, labels: [Int], classCount: Int, epochs: Int, batchSize: Int,
        learningRate: Double, seed: UInt64, normalize: Bool
    ) -> LinearProbe {
        precondition(features.rank == 2 && features.shape[0] == labels.count && !labels.isEmpty,
                     "LinearProbe.train: features \(features.shape) do not match \(labels.count) labels")
        precondition(epochs >= 1 && batchSize >= 1, "LinearProbe.train: epochs \(epochs) and batch size \(batchSize) must be positive")
        var generator = PhiloxGenerator(seed: seed)
        let probe = LinearProbe(featureCount: features.shape[1], classCount: classCount, normalize: normalize,
                                using: &generator)
        let labelTensor = Tensor<Int>(labels)
        let batchesPerEpoch = (labels.count + batchSize - 1) / batchSize
        let optimizer = SGD(namedParameters: probe.namedParameters(), learningRate: learningRate, momentum: 0.9)
        let schedule = CosineAnnealingSchedule(totalSteps: epochs * batchesPerEpoch)
        probe.train()
        for epoch in 0..<epochs {
            var orderGenerator = generator.forked(stream: UInt64(epoch))
            let order = Tensor<Int>.randomPermutation(labels.count, using: &orderGenerator).scalars
            for start in stride(from: 0, to: labels.count, by: batchSize) {
                // A batch of one cannot be batch-normalized; it joins nothing and is skipped.
                let indices = Tensor<Int>(Array(order[start..<min(start + batchSize, labels.count)]))
                if normalize && indices.count < 2 { continue }
                optimizer.applySchedule(schedule, at: optimizer.step)
                let logits = probe(Variable(features.indexSelect(alongAxis: 0, indices: indices)))  // [B, classes]
                let loss = crossEntropy(logits: logits, labels: labelTensor.indexSelect(alongAxis: 0, indices: indices))
                optimizer.update(along: loss.backward())
            }
        }
        probe.eval()
        return probe
    }

    /// The predicted class of each row of `features` `[N, D]` (evaluation mode, nothing recorded).
    public func predictions(features: Tensor<Float>) -> [Int] {
        let logits = evaluate(self) { self(Variable(features)).value }                   // [N, classes]
        return logits.argmax(alongAxis: 1).scalars
    }

    /// The fraction of rows of `features` `[N, D]` whose predicted class is the label.
    public func accuracy(features: Tensor<Float>, labels: [Int]) -> Double {
        precondition(features.shape[0] == labels.count,
                     "LinearProbe.accuracy: features \(features.shape) do not match \(labels.count) labels")
        let predicted = predictions(features: features)
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
    }
}
