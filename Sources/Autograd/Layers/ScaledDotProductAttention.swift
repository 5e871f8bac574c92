/// Scaled dot-product attention (Vaswani et al., 2017, https://arxiv.org/abs/1706.03762), the
/// core of `MultiHeadAttention`, composed from matmul and softmax.

/// Which query–key pairs may interact, and how.
public enum AttentionMask<Scalar: FloatingPointTensorElement> {
    /// Added to the scores before the softmax; `−∞` blocks a pair. Broadcastable to the scores
    /// `[…, Nq, Nk]` (e.g. `[Nq, Nk]` for a causal mask, `[B, 1, 1, Nk]` for padding).
    case additive(Tensor<Scalar>)
    /// `true` where a query may attend to a key, as in PyTorch's
    /// `F.scaled_dot_product_attention` — the opposite of `nn.MultiheadAttention`'s masks, where
    /// `true` blocks. Broadcastable to the scores `[…, Nq, Nk]`.
    case allowed(Tensor<Bool>)
}

/// `softmax(q · kᵀ / √d + mask) · v`, with the attention weights.
///
/// - Parameters:
///   - query: `[…, Nq, d]`.
///   - key: `[…, Nk, d]`.
///   - value: `[…, Nk, dv]`.
///   - mask: optional; a query whose keys are all blocked gets NaN weights, as in PyTorch.
/// - Returns: the output `[…, Nq, dv]` and the weights `[…, Nq, Nk]`, each row summing to one.
///   PyTorch's `F.scaled_dot_product_attention` (which does not return the weights).
public func scaledDotProductAttention<Scalar: FloatingPointTensorElement>(
    query: Variable<Scalar>, key: Variable<Scalar>, value: Variable<Scalar>, mask: AttentionMask<Scalar>? = nil
) -> (output: Variable<Scalar>, weights: Variable<Scalar>) {
    let depth = query.shape.last ?? 0
    precondition(query.rank >= 2 && key.rank == query.rank && value.rank == query.rank
                 && key.shape.last == depth && key.shape[key.rank - 2] == value.shape[value.rank - 2],
                 "scaledDotProductAttention: query \(query.shape), key \(key.shape), value \(value.shape) are not […, Nq, d], […, Nk, d], […, Nk, dv]")
    let scale = 1 / Scalar(depth).squareRoot()
    var scores = matmul(query, key.transposed()) * scale          // […, Nq, Nk]
    switch mask {
    case .additive(let bias): scores = scores + Variable(bias)
    case .allowed(let allowed): scores = scores.maskedFill(where: .!allowed, with: -.infinity)
    case nil: break
    }
    let weights = scores.softmax(alongAxis: -1)                    // […, Nq, Nk]
    return (matmul(weights, value), weights)                       // […, Nq, dv]
}
