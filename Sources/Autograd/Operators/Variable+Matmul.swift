/// Matrix products with NumPy's `matmul` semantics, batched and broadcast.

/// `a @ b`; VJP `(g @ bᵀ, aᵀ @ g)`, summed over broadcast batch dimensions (by the sweep, or
/// for a matrix `b` shared by all batches, by one product over all rows).
/// Vectors are promoted to matrices (a row for `a`, a column for `b`) and the added axis removed.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func matmul<Scalar>(_ lhs: Variable<Scalar>, _ rhs: Variable<Scalar>) -> Variable<Scalar> {
    precondition(lhs.rank >= 1 && rhs.rank >= 1, "matmul: \(lhs.shape) × \(rhs.shape): operands must have rank ≥ 1")
    if lhs.rank == 1 || rhs.rank == 1 {
        let left = lhs.rank == 1 ? lhs.unsqueezed(at: 0) : lhs     // [K] → [1, K]
        let right = rhs.rank == 1 ? rhs.unsqueezed(at: 1) : rhs    // [K] → [K, 1]
        let product = matmul(left, right)
        let added = (lhs.rank == 1 ? [-2] : []) + (rhs.rank == 1 ? [-1] : [])
        return product.squeezed(axes: added)
    }
    let value = matmul(lhs.value, rhs.value)
    let flops = 2 * value.count * lhs.shape[lhs.rank - 1]
    return differentiableOperation("matmul", inputs: lhs, rhs, value: value,
                                   savedBytes: savedBytes(lhs, rhs), flops: flops) { gradient in
        InputGradients(lhs.requiresGradient ? matmul(gradient, rhs.transposed()) : nil,
                       rhs.requiresGradient ? rightGradient(lhs, gradient, rank: rhs.rank) : nil)
    }
}

/// `aᵀ @ g`, the gradient of the right operand. When a matrix `b` is shared by every batch of
/// `a` `[…, m, k]` (a linear layer on `[B, N, D]`), it is one product over all rows,
/// `[k, B·m] @ [B·m, n]`.
///
/// NOTE: the batched form made one `[k, n]` product per batch and left the sweep to sum a
/// `[B, k, n]` tensor over the batch: for a ViT's MLP that is a 38 MB temporary per layer and
/// `B` small products instead of one large one.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
private func rightGradient<Scalar>(_ lhs: Variable<Scalar>, _ gradient: Variable<Scalar>, rank: Int) -> Variable<Scalar> {
    guard rank == 2, lhs.rank > 2 else { return matmul(lhs.transposed(), gradient) }
    let inner = lhs.shape[lhs.rank - 1], columns = gradient.shape[gradient.rank - 1]
    let rows = lhs.count / Swift.max(inner, 1)
    return matmul(lhs.reshaped(to: [rows, inner]).transposed(), gradient.reshaped(to: [rows, columns]))
}
