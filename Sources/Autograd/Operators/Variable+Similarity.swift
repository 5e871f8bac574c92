/// Similarities, distances and top-k selection of variables, composed from primitives (sum,
/// sqrt, clamp, matmul, gather), so their gradients come from those ops' VJPs.

extension Variable {
    /// Each row scaled to unit Euclidean length: `y[i] = x[i] / max(‖x[i]‖, ε)`, like
    /// `torch.nn.functional.normalize(x, dim=1)`.
    ///
    /// Written as `x / √max(Σ x², ε²)`: the same value, and a zero row gets a zero gradient
    /// instead of NaN.
    ///
    /// - Returns: `[n, d]`.
    /// - Precondition: `self` is a matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func rowsNormalized(epsilon: Scalar = Scalar(1e-12)) -> Variable {
        precondition(rank == 2, "rowsNormalized: shape \(shape) is not a matrix [n, d]")
        let norms = (self * self).sum(alongAxes: [1], keepingDimensions: true).clamped(min: epsilon * epsilon).sqrt()  // [n, 1]
        return self / norms                                                                                          // [n, d]
    }

    /// The cosine similarity of every row of `self` with every row of `other`:
    /// `S[i, j] = a_i · b_j / (max(‖a_i‖, ε) · max(‖b_j‖, ε))`.
    ///
    /// - Parameters:
    ///   - other: `[m, d]`.
    ///   - epsilon: the smallest norm divided by (ε above).
    /// - Returns: `[n, m]` for `self` of shape `[n, d]`.
    /// - Precondition: both are matrices with rows of the same length.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func cosineSimilarities(to other: Variable, epsilon: Scalar = Scalar(1e-12)) -> Variable {
        precondition(rank == 2 && other.rank == 2 && shape[1] == other.shape[1],
                     "cosineSimilarities: \(shape) vs \(other.shape): need matrices [n, d] and [m, d]")
        return matmul(rowsNormalized(epsilon: epsilon), other.rowsNormalized(epsilon: epsilon).transposed())  // [n, m]
    }

    /// The squared Euclidean distance of every row of `self` to every row of `other`:
    /// `D[i, j] = ‖a_i‖² + ‖b_j‖² − 2 a_i · b_j`, clamped at 0 (where the gradient is then 0).
    ///
    /// - Parameter other: `[m, d]`.
    /// - Returns: `[n, m]` for `self` of shape `[n, d]`.
    /// - Precondition: both are matrices with rows of the same length.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func squaredDistances(to other: Variable) -> Variable {
        precondition(rank == 2 && other.rank == 2 && shape[1] == other.shape[1],
                     "squaredDistances: \(shape) vs \(other.shape): need matrices [n, d] and [m, d]")
        let selfNorms = (self * self).sum(alongAxes: [1], keepingDimensions: true)     // [n, 1]
        let otherNorms = (other * other).sum(alongAxes: [1])                           // [m]
        let products = matmul(self, other.transposed())                                // [n, m]
        return (selfNorms + otherNorms - products * Scalar(2)).clamped(min: Scalar.zeroValue)
    }

    /// The `k` largest (or smallest) elements along `axis` and their indices, like `torch.topk`.
    ///
    /// The selection is a constant: the values are a gather at the selected indices, so the
    /// gradient reaches exactly the selected elements (ties go to the lower index).
    ///
    /// - Returns: `values` of `self`'s shape with `shape[axis] = k`, and the `indices` they came from.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func topK(_ k: Int, alongAxis axis: Int = -1, largest: Bool = true) -> (values: Variable, indices: Tensor<Int>) {
        let indices = value.topK(k, alongAxis: axis, largest: largest).indices
        return (gathering(alongAxis: axis, indices: indices), indices)
    }
}
