/// Regression losses on the difference between predictions and targets: squared, absolute,
/// smooth L1 and Huber. Composed from `square`, `abs` and `where`, so gradients flow to both
/// operands (targets produced by another network get theirs too).

/// The squared error `(prediction − target)²`, like `torch.nn.functional.mse_loss`.
///
/// - Parameters:
///   - predictions: the model's outputs.
///   - targets: the values to match, of the same shape.
///   - reduction: `.mean` (default, the mean squared error), `.sum`, `.none` or `.batchMean`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func meanSquaredError<Scalar>(
    predictions: Variable<Scalar>, targets: Variable<Scalar>, reduction: Reduction = .mean
) -> Variable<Scalar> {
    checkSameShape("meanSquaredError", predictions, "predictions", targets, "targets")
    return reduction.apply(to: (predictions - targets).square())
}

/// The absolute error `|prediction − target|`, like `torch.nn.functional.l1_loss`; its
/// gradient at a zero difference is 0, as PyTorch's.
///
/// - Parameters:
///   - predictions: the model's outputs.
///   - targets: the values to match, of the same shape.
///   - reduction: `.mean` (default), `.sum`, `.none` or `.batchMean`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func l1Loss<Scalar>(
    predictions: Variable<Scalar>, targets: Variable<Scalar>, reduction: Reduction = .mean
) -> Variable<Scalar> {
    checkSameShape("l1Loss", predictions, "predictions", targets, "targets")
    return reduction.apply(to: (predictions - targets).abs())
}

/// The smooth L1 loss, like `torch.nn.functional.smooth_l1_loss(…, beta=β)`: quadratic near 0,
/// absolute beyond `β` (Girshick, Fast R-CNN, https://arxiv.org/abs/1504.08083).
///
/// With `d = prediction − target`: `ℓ = 0.5 · d² / β` for `|d| < β`, `|d| − 0.5 · β` otherwise;
/// `β = 0` is the L1 loss.
///
/// - Parameters:
///   - predictions: the model's outputs.
///   - targets: the values to match, of the same shape.
///   - beta: `β ≥ 0`, where the loss turns from quadratic to linear.
///   - reduction: `.mean` (default), `.sum`, `.none` or `.batchMean`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func smoothL1Loss<Scalar>(
    predictions: Variable<Scalar>, targets: Variable<Scalar>, beta: Scalar = 1, reduction: Reduction = .mean
) -> Variable<Scalar> {
    checkSameShape("smoothL1Loss", predictions, "predictions", targets, "targets")
    precondition(beta >= 0, "smoothL1Loss: beta \(beta) must be ≥ 0")
    // β = 0 would divide the (unused) quadratic branch by zero and poison its gradient with 0·∞.
    if beta == 0 { return l1Loss(predictions: predictions, targets: targets, reduction: reduction) }
    let difference = predictions - targets
    let magnitude = difference.abs()
    let losses = Variable.where(magnitude.value .< beta, difference.square() * (0.5 / beta), magnitude - 0.5 * beta)
    return reduction.apply(to: losses)
}

/// The Huber loss, like `torch.nn.functional.huber_loss(…, delta=δ)`: `δ ·` the smooth L1 loss
/// with `β = δ`, so that its linear part has slope `δ`.
///
/// With `d = prediction − target`: `ℓ = 0.5 · d²` for `|d| < δ`, `δ · (|d| − 0.5 · δ)` otherwise.
///
/// - Parameters:
///   - predictions: the model's outputs.
///   - targets: the values to match, of the same shape.
///   - delta: `δ > 0`, where the loss turns from quadratic to linear.
///   - reduction: `.mean` (default), `.sum`, `.none` or `.batchMean`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func huberLoss<Scalar>(
    predictions: Variable<Scalar>, targets: Variable<Scalar>, delta: Scalar = 1, reduction: Reduction = .mean
) -> Variable<Scalar> {
    checkSameShape("huberLoss", predictions, "predictions", targets, "targets")
    precondition(delta > 0, "huberLoss: delta \(delta) must be > 0")
    let difference = predictions - targets
    let magnitude = difference.abs()
    let losses = Variable.where(magnitude.value .< delta, difference.square() * 0.5, (magnitude - 0.5 * delta) * delta)
    return reduction.apply(to: losses)
}
