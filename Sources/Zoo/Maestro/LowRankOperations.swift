/// The forward computations of the low-rank layers as functions of variables, so that the
/// gradient checker can differentiate them directly. Both are composed from `slice`, `matmul`
/// and `conv2d`, whose VJPs already exist: no new differentiable op.

/// A linear layer of rank `b`: `y = (x·V[:b]ᵀ)·U[:, :b]ᵀ + bias`.
///
/// - Parameters:
///   - input: `[…, in]`.
///   - u: `[out, r]`.
///   - v: `[r, in]` (V's rows).
///   - bias: `[out]` or `nil`.
///   - rank: `b` in `1...r`.
/// - Returns: `[…, out]`.
public func lowRankLinear<Scalar>(
    _ input: Variable<Scalar>, u: Variable<Scalar>, v: Variable<Scalar>, bias: Variable<Scalar>?, rank: Int
) -> Variable<Scalar> {
    precondition(u.rank == 2 && v.rank == 2 && u.shape[1] == v.shape[0],
                 "lowRankLinear: factors U \(u.shape) and V \(v.shape) are not [out, r] and [r, in]")
    precondition(rank >= 1 && rank <= v.shape[0], "lowRankLinear: rank \(rank) is not in 1...\(v.shape[0])")
    precondition(input.shape.last == v.shape[1], "lowRankLinear: input \(input.shape) does not end in \(v.shape[1]) features")
    let projected = matmul(input, v.sliced(axis: 0, to: rank).transposed())   // [..., b]
    let output = matmul(projected, u.sliced(axis: 1, to: rank).transposed())  // [..., out]
    guard let bias else { return output }
    return output + bias
}

/// A convolution of rank `b`: a k×k convolution to `b` channels with `V[:b]`, then a 1×1
/// convolution to `out` channels with `U[:, :b]`, plus the bias.
///
/// - Parameters:
///   - input: `[N, in, H, W]`.
///   - u: `[out, r, 1, 1]`.
///   - v: `[r, in, kH, kW]`.
///   - bias: `[out]` or `nil`.
///   - rank: `b` in `1...r`.
///   - stride: the k×k convolution's stride.
///   - padding: the k×k convolution's zero padding.
/// - Returns: `[N, out, Hout, Wout]`, as `Conv2d` with the same stride and padding.
public func lowRankConv2d<Scalar>(
    _ input: Variable<Scalar>, u: Variable<Scalar>, v: Variable<Scalar>, bias: Variable<Scalar>?, rank: Int,
    stride: Spatial2d = 1, padding: Spatial2d = 0
) -> Variable<Scalar> {
    precondition(u.rank == 4 && v.rank == 4 && u.shape[1] == v.shape[0] && u.shape[2] == 1 && u.shape[3] == 1,
                 "lowRankConv2d: factors U \(u.shape) and V \(v.shape) are not [out, r, 1, 1] and [r, in, kH, kW]")
    precondition(rank >= 1 && rank <= v.shape[0], "lowRankConv2d: rank \(rank) is not in 1...\(v.shape[0])")
    let inner = conv2d(input, weight: v.sliced(axis: 0, to: rank), stride: stride, padding: padding)  // [N, b, Hout, Wout]
    return conv2d(inner, weight: u.sliced(axis: 1, to: rank), bias: bias)                              // [N, out, Hout, Wout]
}
