/// Binary cross-entropy computed from logits, stable for any finite logit.

/// The binary cross-entropy between `sigmoid(logits)` and targets in `[0, 1]`, like
/// `torch.nn.functional.binary_cross_entropy_with_logits(logits, targets, pos_weight=p)`.
///
/// `ℓ = −[p · y · log σ(x) + (1 − y) · log(1 − σ(x))]`, computed without forming `σ(x)` as
/// `ℓ = (1 − y) · x + (1 + (p − 1) · y) · softplus(−x)`, which for `p = 1` is the familiar
/// `max(x, 0) − x·y + log(1 + e^(−|x|))`. `softplus` never overflows, so logits of ±1e4 give
/// finite losses, and its VJP (`σ`) gives the gradient `σ(x)·(1 + (p − 1)·y) − p·y` — the
/// textbook `σ(x) − y` for `p = 1`, smooth everywhere including `x = 0`.
///
/// - Parameters:
///   - logits: any shape.
///   - targets: the shape of `logits`, values in `[0, 1]` (soft labels allowed).
///   - positiveWeight: the weight `p` of positive examples (`pos_weight=`), broadcast against
///     `logits` — `[classes]` for multi-label classification; 1 when `nil`.
///   - reduction: `.mean` (default), `.sum`, `.none` or `.batchMean`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func binaryCrossEntropy<Scalar>(
    logits: Variable<Scalar>, targets: Variable<Scalar>, positiveWeight: Tensor<Scalar>? = nil,
    reduction: Reduction = .mean
) -> Variable<Scalar> {
    checkSameShape("binaryCrossEntropy", logits, "logits", targets, "targets")
    var negativeLogSigmoid = (-logits).softplus()  // −log σ(x)
    if let positiveWeight {
        negativeLogSigmoid = negativeLogSigmoid * (targets * Variable(positiveWeight - 1) + 1)
    }
    return reduction.apply(to: (1 - targets) * logits + negativeLogSigmoid)
}
