/// Matrix products with NumPy's `matmul` semantics, batched and broadcast.

/// `a @ b`; VJP `(g @ bᵀ, aᵀ @ g)`, summed over broadcast batch dimensions (by the sweep, or
/// for a matrix `b` shared by all batches, by one product over all rows).
/// Vectors are promoted to matrices (a row for `a`, a column for `b`) and the added axis removed.
/// A matrix operand laid out column by column (`weight.transposed()`) gets its gradient in that
/// layout, as PyTorch's `mm` backward does, so the gradient that reaches the weight through the
/// transpose is row-major like the weight.
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
        InputGradients(lhs.requiresGradient ? matmul(gradient, rhs.transposed(), inLayoutOf: lhs) : nil,
                       rhs.requiresGradient ? rightGradient(lhs, gradient, layoutOf: rhs) : nil)
    }
}

/// `aᵀ @ g`, the gradient of the right operand. When a matrix `b` is shared by every batch of
/// `a` `[…, m, k]` (a linear layer on `[B, N, D]`), it is one product over all rows,
/// `[k, B·m] @ [B·m, n]`; in `b`'s layout when `b` is column-major.
///
/// NOTE: the batched form made one `[k, n]` product per batch and left the sweep to sum a
/// `[B, k, n]` tensor over the batch: for a ViT's MLP that is a 38 MB temporary per layer and
/// `B` small products instead of one large one.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
private func rightGradient<Scalar>(_ lhs: Variable<Scalar>, _ gradient: Variable<Scalar>, layoutOf rhs: Variable<Scalar>) -> Variable<Scalar> {
    guard rhs.rank == 2 else { return matmul(lhs.transposed(), gradient) }
    var (left, right) = (lhs, gradient)
    if lhs.rank > 2 {
        let inner = lhs.shape[lhs.rank - 1], columns = gradient.shape[gradient.rank - 1]
        let rows = lhs.count / Swift.max(inner, 1)
        (left, right) = (lhs.reshaped(to: [rows, inner]), gradient.reshaped(to: [rows, columns]))
    }
    return matmul(left.transposed(), right, inLayoutOf: rhs)
}

/// `a @ b` for matrices, computed as `(bᵀ @ aᵀ)ᵀ` when `target` is column-major, so that the
/// result comes out in `target`'s layout: the same sums, read by BLAS through transpose flags.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
private func matmul<Scalar>(_ a: Variable<Scalar>, _ b: Variable<Scalar>, inLayoutOf target: Variable<Scalar>) -> Variable<Scalar> {
    guard a.rank == 2, b.rank == 2, isColumnMajor(target) else { return matmul(a, b) }
    return matmul(b.transposed(), a.transposed()).transposed()
}

/// Whether a matrix is stored column by column, as the transposed view of a row-major matrix
/// is. A matrix with a single row or column is stored the same both ways and counts as row-major.
private func isColumnMajor<Scalar>(_ matrix: Variable<Scalar>) -> Bool {
    let (shape, strides) = (matrix.shape, matrix.value.strides)
    return shape.count == 2 && shape[0] > 1 && shape[1] > 1 && strides[0] == 1 && strides[1] == shape[0]
}
