/// Cross-entropy from logits and the negative log-likelihood from log-probabilities, with class
/// weights, ignored labels and label smoothing exactly as PyTorch defines them.
///
/// Both are composed from `logSoftmax` and `gather`, so their gradients come from those ops'
/// VJPs: `softmax(x) − onehot(y)` for the plain loss, finite for any finite logits (±1e4).

/// The cross-entropy between the softmax of `logits` and integer class labels, like
/// `torch.nn.functional.cross_entropy(logits, labels, weight, ignore_index, label_smoothing=ε)`.
///
/// Per element, with `p = logSoftmax(logits)` along the class axis and `C` classes:
/// `ℓᵢ = (1 − ε) · w[yᵢ] · (−p[i, yᵢ]) + (ε / C) · Σ_c w[c] · (−p[i, c])` — the cross-entropy
/// against the smoothed target `(1 − ε) · onehot(y) + ε / C`. Elements whose label is
/// `ignoredLabel` contribute 0. `.mean` divides the sum by `Σᵢ w[yᵢ]` over the elements not
/// ignored (their count without class weights), as PyTorch does.
///
/// - Parameters:
///   - logits: `[N, C]`, `[N, C, d₁, …]` (segmentation: classes on axis 1) or `[C]`.
///   - labels: class indices in `0..<C`: `[N]`, `[N, d₁, …]`, or `[]` for `[C]` logits.
///   - classWeights: `[C]`, a rescaling weight per class (`weight=`); all 1 when `nil`.
///   - ignoredLabel: a label value that contributes neither loss nor gradient (`ignore_index=`).
///   - labelSmoothing: `ε` in `[0, 1]`.
///   - reduction: `.mean` (default), `.sum`, `.none` (shape of `labels`) or `.batchMean`.
/// - Returns: a scalar, or the per-element losses for `.none`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func crossEntropy<Scalar>(
    logits: Variable<Scalar>, labels: Tensor<Int>, classWeights: Tensor<Scalar>? = nil,
    ignoredLabel: Int? = nil, labelSmoothing: Scalar = 0, reduction: Reduction = .mean
) -> Variable<Scalar> {
    if logits.rank == 1 {
        // One sample without a batch axis: the same loss on a batch of one.
        precondition(labels.rank == 0, "crossEntropy: logits \(logits.shape) need a scalar label, not labels \(labels.shape)")
        let loss = crossEntropy(logits: logits.unsqueezed(at: 0), labels: labels.reshaped(to: [1]),
                                classWeights: classWeights, ignoredLabel: ignoredLabel,
                                labelSmoothing: labelSmoothing, reduction: reduction)
        return reduction == .none ? loss.reshaped(to: []) : loss
    }
    precondition(labelSmoothing >= 0 && labelSmoothing <= 1,
                 "crossEntropy: labelSmoothing \(labelSmoothing) must lie in [0, 1]")
    let logProbabilities = logits.logSoftmax(alongAxis: 1)
    let terms = LabelTerms(logProbabilities: logProbabilities, labels: labels, classWeights: classWeights,
                           ignoredLabel: ignoredLabel, operation: "crossEntropy")
    var losses = terms.losses
    if labelSmoothing > 0 {
        let classCount = logits.shape[1]
        var weighted = logProbabilities
        if let classWeights { weighted = weighted * Variable(classWeights.reshaped(to: classAxisShape(classCount, rank: logits.rank))) }
        let uniform = -weighted.sum(alongAxes: [1]) * Variable(terms.kept)
        losses = losses * (1 - labelSmoothing) + uniform * (labelSmoothing / Scalar(exactly: classCount))
    }
    return reduction.apply(to: losses, meanDivisor: terms.totalWeight)
}

/// The cross-entropy between the softmax of `logits` and target distributions, like
/// `torch.nn.functional.cross_entropy(logits, probabilities, weight, label_smoothing=ε)`
/// (soft targets: mixup, distillation).
///
/// `ℓᵢ = −Σ_c w[c] · t̃[i, c] · logSoftmax(logits)[i, c]` with `t̃ = (1 − ε) · t + ε / C`.
/// `.mean` divides by the number of elements (not by the weights). Gradients flow to the
/// targets too when they require one.
///
/// - Parameters:
///   - logits: `[N, C]` or `[N, C, d₁, …]`, classes on axis 1.
///   - probabilities: the targets, the shape of `logits`, each row summing to 1.
///   - classWeights: `[C]`, a rescaling weight per class; all 1 when `nil`.
///   - labelSmoothing: `ε` in `[0, 1]`.
///   - reduction: `.mean` (default), `.sum`, `.none` (`[N, d₁, …]`) or `.batchMean`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func crossEntropy<Scalar>(
    logits: Variable<Scalar>, probabilities: Variable<Scalar>, classWeights: Tensor<Scalar>? = nil,
    labelSmoothing: Scalar = 0, reduction: Reduction = .mean
) -> Variable<Scalar> {
    checkSameShape("crossEntropy", logits, "logits", probabilities, "probabilities")
    precondition(logits.rank >= 2, "crossEntropy: logits \(logits.shape) need a batch axis and a class axis for soft targets")
    precondition(labelSmoothing >= 0 && labelSmoothing <= 1,
                 "crossEntropy: labelSmoothing \(labelSmoothing) must lie in [0, 1]")
    let classCount = logits.shape[1]
    var targets = probabilities
    if labelSmoothing > 0 {
        targets = targets * (1 - labelSmoothing) + labelSmoothing / Scalar(exactly: classCount)
    }
    var weighted = logits.logSoftmax(alongAxis: 1) * targets
    if let classWeights {
        checkClassWeights(classWeights, classCount: classCount, operation: "crossEntropy")
        weighted = weighted * Variable(classWeights.reshaped(to: classAxisShape(classCount, rank: logits.rank)))
    }
    return reduction.apply(to: -weighted.sum(alongAxes: [1]))
}

/// The negative log-likelihood of integer labels under log-probabilities, like
/// `torch.nn.functional.nll_loss(logProbabilities, labels, weight, ignore_index)`.
///
/// `ℓᵢ = −w[yᵢ] · logProbabilities[i, yᵢ]`, 0 where the label is `ignoredLabel`; `.mean`
/// divides by `Σᵢ w[yᵢ]` over the elements not ignored. `crossEntropy(logits:labels:)` is this
/// applied to `logSoftmax(logits)`.
///
/// - Parameters:
///   - logProbabilities: `[N, C]` or `[N, C, d₁, …]`, classes on axis 1 (the output of `logSoftmax(alongAxis: 1)`).
///   - labels: class indices in `0..<C`, `[N]` or `[N, d₁, …]`.
///   - classWeights: `[C]`, a rescaling weight per class; all 1 when `nil`.
///   - ignoredLabel: a label value that contributes neither loss nor gradient.
///   - reduction: `.mean` (default), `.sum`, `.none` (shape of `labels`) or `.batchMean`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func negativeLogLikelihood<Scalar>(
    logProbabilities: Variable<Scalar>, labels: Tensor<Int>, classWeights: Tensor<Scalar>? = nil,
    ignoredLabel: Int? = nil, reduction: Reduction = .mean
) -> Variable<Scalar> {
    let terms = LabelTerms(logProbabilities: logProbabilities, labels: labels, classWeights: classWeights,
                           ignoredLabel: ignoredLabel, operation: "negativeLogLikelihood")
    return reduction.apply(to: terms.losses, meanDivisor: terms.totalWeight)
}

/// The per-element terms `−w[yᵢ] · p[i, yᵢ]` shared by cross-entropy and NLL, with what their
/// mean divides by.
struct LabelTerms<Scalar: FloatingPointTensorElement> {
    /// `[N, d₁, …]`, 0 where the label is ignored.
    var losses: Variable<Scalar>
    /// `[N, d₁, …]`: 1 where the label counts, 0 where it is ignored.
    var kept: Tensor<Scalar>
    /// `Σᵢ w[yᵢ]` over the labels that count: the divisor of `.mean`.
    var totalWeight: Scalar

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    init(logProbabilities: Variable<Scalar>, labels: Tensor<Int>, classWeights: Tensor<Scalar>?,
         ignoredLabel: Int?, operation: String) {
        let shape = logProbabilities.shape
        precondition(shape.count >= 2, "\(operation): input \(shape) needs a batch axis and a class axis (axis 1)")
        let classCount = shape[1]
        let expectedLabels = [shape[0]] + shape.dropFirst(2)
        precondition(labels.shape == expectedLabels,
                     "\(operation): input \(shape) needs labels of shape \(expectedLabels), not \(labels.shape)")
        if let classWeights { checkClassWeights(classWeights, classCount: classCount, operation: operation) }
        let weights = classWeights?.scalars

        // Ignored labels gather class 0 (any valid index) and are then weighted by 0.
        var indices = [Int](), kept = [Scalar](), targetWeights = [Scalar]()
        indices.reserveCapacity(labels.count); kept.reserveCapacity(labels.count); targetWeights.reserveCapacity(labels.count)
        for label in labels.scalars {
            if let ignoredLabel, label == ignoredLabel {
                indices.append(0); kept.append(0); targetWeights.append(0)
                continue
            }
            precondition(label >= 0 && label < classCount,
                         "\(operation): label \(label) is outside 0..<\(classCount) for input \(shape)")
            indices.append(label); kept.append(1); targetWeights.append(weights?[label] ?? 1)
        }
        var indexShape = labels.shape
        indexShape.insert(1, at: 1)
        let picked = logProbabilities.gathering(alongAxis: 1, indices: Tensor(shape: indexShape, scalars: indices))
            .squeezed(axes: [1])
        let weightTensor = Tensor<Scalar>(shape: labels.shape, scalars: targetWeights)
        self.losses = -(picked * Variable(weightTensor))
        self.kept = Tensor(shape: labels.shape, scalars: kept)
        self.totalWeight = targetWeights.reduce(0, +)
    }
}

/// `[1, C, 1, …]`: a per-class tensor laid out to broadcast over classes on axis 1.
func classAxisShape(_ classCount: Int, rank: Int) -> [Int] {
    var shape = [Int](repeating: 1, count: rank)
    shape[1] = classCount
    return shape
}

func checkClassWeights<Scalar>(_ weights: Tensor<Scalar>, classCount: Int, operation: String) {
    precondition(weights.shape == [classCount],
                 "\(operation): classWeights \(weights.shape) must have shape [\(classCount)], one weight per class")
}
