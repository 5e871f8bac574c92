/// The Kullback–Leibler divergence between target distributions and predicted log-probabilities.

/// The KL divergence `KL(target ‖ input)` from predicted log-probabilities to target
/// probabilities, like `torch.nn.functional.kl_div(logProbabilities, targets)`.
///
/// Per element: `t · (log t − x)`, and 0 where `t = 0` (the limit of `t log t`); gradients are
/// `−t` for the input and `log t + 1 − x` for targets that require one (`−x` where `t = 0`,
/// where PyTorch's is NaN).
///
/// - Parameters:
///   - logProbabilities: `x`, the model's log-probabilities (`logSoftmax` output), e.g. `[N, C]`.
///   - targetProbabilities: `t ≥ 0`, the shape of `logProbabilities`.
///   - reduction: `.batchMean` (default: the sum divided by `N`, the true KL divergence per
///     sample; PyTorch's `reduction="batchmean"`), `.mean` (over all elements), `.sum` or `.none`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func klDivergence<Scalar>(
    logProbabilities: Variable<Scalar>, targetProbabilities: Variable<Scalar>, reduction: Reduction = .batchMean
) -> Variable<Scalar> {
    checkSameShape("klDivergence", logProbabilities, "logProbabilities", targetProbabilities, "targetProbabilities")
    // NOTE: t · log t is taken as 0 where t = 0 (PyTorch's xlogy). The logarithm reads 1 there
    // instead of t, so that neither the value nor the masked-out gradient becomes −∞ · 0 = NaN.
    let positive = targetProbabilities.value .> 0
    let safeTargets = Variable.where(positive, targetProbabilities, Variable(Tensor<Scalar>(1)))
    let entropyTerms = Variable.where(positive, targetProbabilities * safeTargets.log(), Variable(Tensor<Scalar>(0)))
    return reduction.apply(to: entropyTerms - targetProbabilities * logProbabilities)
}

/// The KL divergence from predicted log-probabilities to targets given as log-probabilities,
/// like `torch.nn.functional.kl_div(logProbabilities, targets, log_target=True)` — accurate for
/// targets whose probabilities underflow.
///
/// Per element: `eᵗ · (t − x)`.
///
/// - Parameters:
///   - logProbabilities: `x`, the model's log-probabilities, e.g. `[N, C]`.
///   - targetLogProbabilities: `t`, the shape of `logProbabilities`.
///   - reduction: `.batchMean` (default), `.mean`, `.sum` or `.none`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func klDivergence<Scalar>(
    logProbabilities: Variable<Scalar>, targetLogProbabilities: Variable<Scalar>, reduction: Reduction = .batchMean
) -> Variable<Scalar> {
    checkSameShape("klDivergence", logProbabilities, "logProbabilities", targetLogProbabilities, "targetLogProbabilities")
    return reduction.apply(to: targetLogProbabilities.exp() * (targetLogProbabilities - logProbabilities))
}
