/// What Maestro does between epochs: drop the ranks that no longer matter, recalibrate batch
/// normalization for the smaller network, and measure or extract models at a rank budget.

/// Drops, in every layer, the ranks whose importance `s_b = tailV(b)·tailU(b)` is below
/// `threshold` (always keeping rank 1).
///
/// - Parameters:
///   - layers: the model's low-rank layers.
///   - threshold: `ε`, Maestro's default 1e-5.
/// - Returns: the new rank of each layer. Optimizers over the old parameters must be rebuilt, and
///   so must the ordered-dropout sampler (`OrderedDropoutSampler(ranks:)` with these ranks); then
///   recalibrate batch normalization.
@discardableResult
public func progressivelyShrink<Scalar: FloatingPointTensorElement>(_ layers: [any LowRankLayer<Scalar>], threshold: Double = 1e-5) -> [Int] {
    precondition(threshold >= 0, "progressivelyShrink: threshold \(threshold) is negative")
    return layers.map { layer in
        // Importance decreases in b, so the ranks kept are a prefix.
        let kept = Swift.max(1, rankImportance(of: layer).prefix { $0 >= threshold }.count)
        layer.shrink(toRank: kept)
        return kept
    }
}

/// Recomputes every batch-norm layer's running statistics as the plain average over `batches`,
/// in training mode and without touching any weight (PyTorch: reset, `momentum=None`, one pass).
///
/// The statistics a network collected at one width are wrong for a narrower one; this gives
/// evaluation the statistics of the network as it is now. The model's mode and each layer's
/// momentum are restored afterwards.
///
/// - Parameters:
///   - model: the network, run on each batch.
///   - batches: `[N, …]` inputs, e.g. a few hundred training images.
public func recalibrateBatchNormalization<Model: Layer>(_ model: Model, batches: some Sequence<Tensor<Model.Scalar>>) {
    let normalizations = model.namedModules().compactMap { $0.module as? BatchNormalizationLayer<Model.Scalar> }
    guard !normalizations.isEmpty else { return }
    let wasTraining = model.isTraining
    let momenta = normalizations.map(\.momentum)
    for layer in normalizations {
        layer.runningMean.value = .zeros(layer.runningMean.value.shape)
        layer.runningVariance.value = .ones(layer.runningVariance.value.shape)
        layer.trackedBatchCount.value = Tensor(0)
        layer.momentum = nil
    }
    model.train()
    withoutGradients {
        for batch in batches { _ = model(Variable(batch)) }
    }
    for (layer, momentum) in zip(normalizations, momenta) { layer.momentum = momentum }
    model.train(wasTraining)
}

/// Runs `body` with every layer kept at rank `ceil(r·fraction)` (never 0), then restores the
/// layers' kept ranks: the model at a rank budget, without copying it.
public func withRankFraction<Scalar: FloatingPointTensorElement, Result>(
    _ fraction: Double, of layers: [any LowRankLayer<Scalar>], _ body: () throws -> Result
) rethrows -> Result {
    let previous = layers.map(\.keptRank)
    for layer in layers { layer.keptRank = truncatedRank(of: layer.rank, fraction: fraction) }
    defer { for (layer, kept) in zip(layers, previous) { layer.keptRank = kept } }
    return try body()
}

/// The parameters of the low-rank layers at rank fraction `fraction` (every layer in its smaller
/// form, factored or dense).
public func compactParameterCount<Scalar: FloatingPointTensorElement>(of layers: [any LowRankLayer<Scalar>], fraction: Double = 1) -> Int {
    layers.reduce(0) { $0 + $1.compactParameterCount(rank: truncatedRank(of: $1.rank, fraction: fraction)) }
}

extension Sequential {
    /// A model of the same layers (shared, not copied) in which each low-rank layer that is
    /// larger than its dense form, `(in + out)·r > in·out`, is replaced by that dense `Linear` or
    /// `Conv2d`; the others are first cut to their kept rank for good.
    ///
    /// Use it on a trained model to extract the network at a rank budget: set the kept ranks
    /// (`withRankFraction`, or `keptRank` per layer), then compact. Low-rank layers nested
    /// deeper than this `Sequential`'s own layers are left as they are.
    public func compacted() -> Sequential {
        Sequential(layers.map { layer -> any Layer<Scalar> in
            if let lowRank = layer as? LowRankLinear<Scalar> {
                if lowRank.factorParameterCount(rank: lowRank.effectiveRank) > lowRank.denseParameterCount { return lowRank.dense() }
                lowRank.shrink(toRank: lowRank.effectiveRank)
                return lowRank
            }
            if let lowRank = layer as? LowRankConv2d<Scalar> {
                if lowRank.factorParameterCount(rank: lowRank.effectiveRank) > lowRank.denseParameterCount { return lowRank.dense() }
                lowRank.shrink(toRank: lowRank.effectiveRank)
                return lowRank
            }
            return layer
        })
    }
}
