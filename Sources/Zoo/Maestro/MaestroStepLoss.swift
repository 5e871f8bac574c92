/// Maestro's training objective for one step.

/// The low-rank layers of `model`, in the order `namedModules()` lists them: the layers the
/// sampler's layer indices refer to.
public func lowRankLayers<Scalar: FloatingPointTensorElement>(in model: some Module<Scalar>) -> [any LowRankLayer<Scalar>] {
    model.namedModules().compactMap { $0.module as? any LowRankLayer<Scalar> }
}

/// The terms of one step's loss, kept apart for logging.
public struct MaestroStepLoss<Scalar: FloatingPointTensorElement> {
    /// The sum to differentiate.
    public var total: Variable<Scalar>
    /// `CE(full, y)` with self-distillation, `CE(truncated, y)` without.
    public var classification: Variable<Scalar>
    /// `CE(truncated, softmax(full).detached)`, or `nil` without self-distillation.
    public var distillation: Variable<Scalar>?
    /// The HGL term before its weight `λ`.
    public var groupLasso: Variable<Scalar>
    /// The logits of the full model (with self-distillation) or of the truncated one.
    public var logits: Variable<Scalar>
}

/// One step's loss: `CE(full, y) + CE(truncated, softmax(full).detached) + λ·HGL`, or without the
/// full pass `CE(truncated, y) + λ·HGL`.
///
/// The full pass runs with every layer at its whole rank; the truncated pass with layer
/// `truncation.layer` at rank `truncation.rank` and the others full. The soft target is
/// detached: the full model teaches the truncated one, not the other way round.
///
/// - Parameters:
///   - model: maps `input` to `[N, C]` logits.
///   - layers: `lowRankLayers(in: model)`.
///   - truncation: the sampler's pair for this step.
///   - input: the batch `model` reads.
///   - labels: `[N]` classes.
///   - groupLassoWeight: `λ` (Maestro's default 5e-3).
///   - selfDistillation: whether to run the full pass and distil from it.
public func maestroStepLoss<Model: Layer>(
    model: Model, layers: [any LowRankLayer<Model.Scalar>], truncation: OrderedDropoutSampler.Truncation,
    input: Variable<Model.Scalar>, labels: Tensor<Int>, groupLassoWeight: Double, selfDistillation: Bool = true
) -> MaestroStepLoss<Model.Scalar> {
    precondition(layers.indices.contains(truncation.layer),
                 "maestroStepLoss: layer \(truncation.layer) of \(layers.count) low-rank layers")
    for layer in layers { layer.keptRank = nil }
    let full = selfDistillation ? model(input) : nil                                     // [N, C]
    layers[truncation.layer].keptRank = truncation.rank
    let truncated = model(input)                                                         // [N, C]
    layers[truncation.layer].keptRank = nil
    let groupLasso = hierarchicalGroupLasso(layers)
    let penalty = groupLasso * Model.Scalar(groupLassoWeight)
    if let full {
        let classification = crossEntropy(logits: full, labels: labels)
        let distillation = crossEntropy(logits: truncated, probabilities: full.softmax(alongAxis: 1).detached())
        return MaestroStepLoss(total: classification + distillation + penalty, classification: classification,
                               distillation: distillation, groupLasso: groupLasso, logits: full)
    }
    let classification = crossEntropy(logits: truncated, labels: labels)
    return MaestroStepLoss(total: classification + penalty, classification: classification,
                           distillation: nil, groupLasso: groupLasso, logits: truncated)
}
