/// Matrix products with NumPy's `matmul` semantics, batched and broadcast.

/// `a @ b`; VJP `(g @ bᵀ, aᵀ @ g)`, summed over broadcast batch dimensions by the sweep.
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
    return differentiableOperation("matmul", inputs: [lhs, rhs], value: value,
                                   savedBytes: savedBytes(lhs, rhs), flops: flops) { gradient in
        [lhs.requiresGradient ? matmul(gradient, rhs.transposed()) : nil,
         rhs.requiresGradient ? matmul(lhs.transposed(), gradient) : nil]
    }
}
