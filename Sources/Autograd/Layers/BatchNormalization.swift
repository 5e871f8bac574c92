/// The computation shared by `BatchNorm1d` and `BatchNorm2d`: normalize each channel (axis 1)
/// over every other axis.

/// Batch normalization of `input` (channels on axis 1), updating the running statistics in
/// training mode.
///
/// Training: `y = (x − μ_B) / √(σ²_B + ε) · γ + β` with the batch mean and the *biased* batch
/// variance, then `r ← (1 − m)·r + m·stat` with the *unbiased* variance (PyTorch's
/// `F.batch_norm(training=True)`). Evaluation: the running statistics instead of the batch's.
///
/// Training uses the fused `batchNorm` op (Variable+BatchNormalization.swift): one node with
/// a closed-form VJP instead of nine composed ones; evaluation stays composed.
func batchNormalized<Scalar: FloatingPointTensorElement>(
    _ input: Variable<Scalar>, weight: Parameter<Scalar>?, bias: Parameter<Scalar>?,
    runningMean: Buffer<Scalar>, runningVariance: Buffer<Scalar>, trackedBatchCount: Buffer<Int>,
    momentum: Double?, epsilon: Double, isTraining: Bool
) -> Variable<Scalar> {
    let channels = input.shape[1]
    var channelShape = [Int](repeating: 1, count: input.rank)  // [1, C, 1, …]: broadcasts over the rest
    channelShape[1] = channels
    if isTraining {
        let perChannel = input.count / Swift.max(channels, 1)
        precondition(perChannel > 1,
                     "batchNorm: input \(input.shape): training needs more than one value per channel")
        let normalized = batchNormalizedWithBatchStatistics(input, weight: weight?.variable, bias: bias?.variable,
                                                            epsilon: Scalar(epsilon))
        trackedBatchCount.value = Tensor(trackedBatchCount.value.scalars[0] + 1)
        // Without a momentum, PyTorch keeps a cumulative average: factor 1/(batches seen).
        let factor = Scalar(momentum ?? 1 / Double(trackedBatchCount.value.scalars[0]))
        let batchMean = normalized.mean
        let unbiasedVariance = normalized.variance * Scalar(Double(perChannel) / Double(perChannel - 1))
        runningMean.value = runningMean.value * (1 - factor) + batchMean * factor
        runningVariance.value = runningVariance.value * (1 - factor) + unbiasedVariance * factor
        return normalized.output
    } else {
        let mean = runningMean.value.reshaped(to: channelShape)
        let scale = (runningVariance.value + Scalar(epsilon)).rsqrt().reshaped(to: channelShape)
        var output = (input - Variable(mean)) * Variable(scale)
        if let weight { output = output * weight.variable.reshaped(to: channelShape) }
        if let bias { output = output + bias.variable.reshaped(to: channelShape) }
        return output
    }
}
