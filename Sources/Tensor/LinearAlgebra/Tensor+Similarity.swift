/// Similarities and distances between the rows of two matrices: the scores that nearest-neighbour
/// search, kNN classifiers and kNN losses rank candidates by.

extension Tensor where Scalar: FloatingPointTensorElement {
    /// Each row scaled to unit Euclidean length, like `torch.nn.functional.normalize(x, dim=1)`.
    ///
    /// `y[i] = x[i] / max(‖x[i]‖, ε)`: a zero row stays zero instead of becoming NaN.
    ///
    /// - Parameter epsilon: the smallest norm divided by (`1e-12` by default, PyTorch's).
    /// - Returns: `[n, d]`, contiguous.
    /// - Precondition: `self` is a matrix.
    public func rowsNormalized(epsilon: Scalar = Scalar(1e-12)) -> Tensor {
        precondition(rank == 2, "rowsNormalized: shape \(shape) is not a matrix [n, d]")
        // max(‖x‖, ε) = √max(‖x‖², ε²), the spelling whose gradient stays finite at a zero row.
        let norms = (self * self).sum(alongAxes: [1], keepingDimensions: true).clamped(min: epsilon * epsilon).sqrt()  // [n, 1]
        return self / norms                                                                                          // [n, d]
    }

    /// The cosine similarity of every row of `self` with every row of `other`.
    ///
    /// `S[i, j] = a_i · b_j / (max(‖a_i‖, ε) · max(‖b_j‖, ε))`, one matrix product of the
    /// normalized rows.
    ///
    /// - Parameters:
    ///   - other: `[m, d]`.
    ///   - epsilon: the smallest norm divided by.
    /// - Returns: `[n, m]` for `self` of shape `[n, d]`.
    /// - Precondition: both are matrices with the same number of columns.
    public func cosineSimilarities(to other: Tensor, epsilon: Scalar = Scalar(1e-12)) -> Tensor {
        checkRowsComparable(self, other, op: "cosineSimilarities")
        return matmul(rowsNormalized(epsilon: epsilon), other.rowsNormalized(epsilon: epsilon).transposed())
    }

    /// The squared Euclidean distance of every row of `self` to every row of `other`.
    ///
    /// `D[i, j] = ‖a_i − b_j‖² = ‖a_i‖² + ‖b_j‖² − 2 a_i · b_j`, one matrix product instead of an
    /// `[n, m, d]` difference tensor; the rounding of the expansion can make a zero distance come
    /// out slightly negative, so results are clamped at 0.
    ///
    /// - Parameter other: `[m, d]`.
    /// - Returns: `[n, m]` for `self` of shape `[n, d]`.
    /// - Precondition: both are matrices with the same number of columns.
    public func squaredDistances(to other: Tensor) -> Tensor {
        checkRowsComparable(self, other, op: "squaredDistances")
        let selfNorms = (self * self).sum(alongAxes: [1], keepingDimensions: true)                 // [n, 1]
        let otherNorms = (other * other).sum(alongAxes: [1], keepingDimensions: false)             // [m]
        let products = matmul(self, other.transposed())                                            // [n, m]
        return (selfNorms + otherNorms - products * Scalar(2)).clamped(min: Scalar.zeroValue)      // [n, m]
    }

    /// The Euclidean distance of every row of `self` to every row of `other`:
    /// `D[i, j] = ‖a_i − b_j‖`, the square root of `squaredDistances(to:)`.
    ///
    /// - Parameter other: `[m, d]`.
    /// - Returns: `[n, m]` for `self` of shape `[n, d]`.
    public func distances(to other: Tensor) -> Tensor {
        squaredDistances(to: other).sqrt()
    }
}

/// Checks that two operands are matrices whose rows can be compared.
func checkRowsComparable<Scalar>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>, op: String) {
    precondition(a.rank == 2 && b.rank == 2, "\(op): \(a.shape) vs \(b.shape): both must be matrices [n, d] and [m, d]")
    precondition(a.shape[1] == b.shape[1], "\(op): \(a.shape) vs \(b.shape): rows have different lengths")
}
