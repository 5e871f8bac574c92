/// Vector norms over any set of axes.

extension Tensor where Scalar: FloatingPointTensorElement {
    /// The `p`-norm over `axes`: `(Σ |x|^p)^(1/p)`, with the usual special cases:
    /// `p = ∞` is `max |x|`, `p = −∞` is `min |x|`, `p = 0` counts the nonzero elements,
    /// `p = 1` is `Σ |x|` and `p = 2` is `√(Σ x²)` (the default).
    ///
    /// Like PyTorch's `linalg.vector_norm`, the elements over `axes` are treated as one vector.
    /// - Precondition: for `p = ±∞`, the reduced axes are not empty.
    public func norm(order p: Double = 2, alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "norm")
        let buffer: Tensor
        switch p {
        case .infinity, -.infinity:
            precondition(layout.reduced > 0 || layout.resultCount == 0,
                         "norm: order \(p) over zero-size axes \(axes ?? []) of shape \(shape)")
            buffer = reduce(layout, p > 0 ? .maximumMagnitude : .minimumMagnitude)
        case 0: buffer = reduce(layout, .countOfNonzero)
        case 1: buffer = reduce(layout, .sumOfMagnitudes)
        case 2: buffer = reduce(layout, .sumOfSquares).updatingEach { $0.squareRoot() }
        default:
            let inverse = Scalar(1 / p)
            buffer = reduce(layout, .sumOfPowers(p)).updatingEach { Scalar.pow($0, inverse) }
        }
        return layout.result(buffer)
    }
}
