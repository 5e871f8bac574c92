/// Principal component analysis through the singular value decomposition: the directions of
/// largest variance of a feature matrix, for 2-D pictures of learned features (DANN's Figure 4
/// draws t-SNE; a PCA is deterministic and needs no tuning).

/// The principal components of `[N, D]` samples, fitted once and applied to any samples.
///
/// With the centred data `X − μ = U · diag(S) · Vᵀ` (thin SVD), the components are the first `k`
/// rows of `Vᵀ`, and a sample's coordinates are `(x − μ) · Vₖ`. A singular vector's sign is
/// arbitrary (LAPACK may return either), so each component is flipped to make its entry of
/// largest magnitude positive (the first such entry on ties) — scikit-learn's `svd_flip` with
/// `u_based_decision=False` — and the same data always gives the same picture.
///
/// ```swift
/// let pca = try PrincipalComponents(fitting: features, componentCount: 2)   // features: [N, D]
/// let coordinates = pca.projecting(features)                               // [N, 2]
/// ```
public struct PrincipalComponents<Scalar: FloatingPointTensorElement>: Sendable {
    /// `μ`, the mean of the fitted samples, `[D]`.
    public let mean: Tensor<Scalar>
    /// The components as rows, `[k, D]`, orthonormal, in order of decreasing variance.
    public let components: Tensor<Scalar>
    /// The variance of the fitted samples along each component, `S² / (N − 1)`, `[k]`.
    public let explainedVariance: Tensor<Scalar>
    /// The fraction of the total variance each component explains, `[k]`.
    public let explainedVarianceRatio: Tensor<Scalar>

    /// Fits the first `componentCount` components of `samples`.
    ///
    /// - Parameters:
    ///   - samples: `[N, D]`, one sample per row, `N ≥ 2`.
    ///   - componentCount: `k`, at most `min(N, D)`.
    /// - Throws: `LinearAlgebraError` when the SVD does not converge or a value is not finite.
    public init(fitting samples: Tensor<Scalar>, componentCount: Int) throws(LinearAlgebraError) {
        precondition(samples.rank == 2 && samples.shape[0] >= 2,
                     "PrincipalComponents: samples \(samples.shape) are not [N, D] with N ≥ 2")
        let (count, dimensions) = (samples.shape[0], samples.shape[1])
        precondition(componentCount >= 1 && componentCount <= Swift.min(count, dimensions),
                     "PrincipalComponents: \(componentCount) components of samples \(samples.shape): need 1 ≤ k ≤ min(N, D)")
        let mean = samples.mean(alongAxes: [0])                                   // [D]
        let centred = samples - mean.reshaped(to: [1, dimensions])                // [N, D]
        let (_, singularValues, vTransposed) = try svd(centred, fullMatrices: false)  // S: [min(N, D)], Vᵀ: [min(N, D), D]
        let rows = vTransposed.contiguous().scalars
        var components = [Scalar]()
        components.reserveCapacity(componentCount * dimensions)
        for component in 0..<componentCount {
            let row = rows[component * dimensions ..< (component + 1) * dimensions]
            var largest = row.startIndex
            for index in row.indices where row[index].magnitude > row[largest].magnitude { largest = index }
            components += row[largest] < 0 ? row.map { -$0 } : Array(row)
        }
        let variances = singularValues.scalars.map { $0 * $0 / Scalar(count - 1) }
        let total = variances.reduce(0, +)
        self.mean = mean
        self.components = Tensor(shape: [componentCount, dimensions], scalars: components)
        explainedVariance = Tensor(Array(variances.prefix(componentCount)))
        explainedVarianceRatio = Tensor(variances.prefix(componentCount).map { total > 0 ? $0 / total : 0 })
    }

    /// The number of components, `k`.
    public var componentCount: Int { components.shape[0] }

    /// The coordinates of `samples` along the components: `(x − μ) · Vₖ`.
    ///
    /// - Parameter samples: `[M, D]` with the fitted `D`.
    /// - Returns: `[M, k]`.
    public func projecting(_ samples: Tensor<Scalar>) -> Tensor<Scalar> {
        let dimensions = components.shape[1]
        precondition(samples.rank == 2 && samples.shape[1] == dimensions,
                     "PrincipalComponents.projecting: samples \(samples.shape) are not [M, \(dimensions)]")
        let centred = samples - mean.reshaped(to: [1, dimensions])  // [M, D]
        return matmul(centred, components.transposed())              // [M, k]
    }
}
