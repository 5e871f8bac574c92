/// Layer normalization (Ba et al., 2016, https://arxiv.org/abs/1607.06450): each sample is
/// normalized over its last axes, `y = (x − μ) / √(σ² + ε) · γ + β`, with the mean and the
/// biased variance over `normalizedShape` — PyTorch's `nn.LayerNorm`.
///
/// Parameters `weight` (ones) and `bias` (zeros), both of shape `normalizedShape`, when
/// `elementwiseAffine`; the same in training and evaluation mode.
public final class LayerNorm<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The trailing shape normalized over, e.g. `[D]` for tokens `[B, N, D]`.
    public let normalizedShape: [Int]
    /// `ε`, added to the variance.
    public var epsilon: Double
    /// `γ`, of `normalizedShape`, or `nil` without affine.
    public let weight: Parameter<Scalar>?
    /// `β`, of `normalizedShape`, or `nil` without affine or bias.
    public let bias: Parameter<Scalar>?

    /// - Parameters:
    ///   - normalizedShape: the trailing axes normalized together, e.g. `[D]` for `[B, N, D]`.
    ///   - epsilon: `ε`, added to the variance.
    ///   - elementwiseAffine: whether the layer learns `γ` (and `β`) of `normalizedShape`.
    ///   - bias: whether the affine transform adds `β` (PyTorch's `bias`, used without by some
    ///     language models); ignored without `elementwiseAffine`.
    public init(normalizedShape: [Int], epsilon: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        precondition(!normalizedShape.isEmpty, "LayerNorm: the normalized shape is empty")
        self.normalizedShape = normalizedShape
        self.epsilon = epsilon
        weight = elementwiseAffine ? Parameter(Tensor.ones(normalizedShape)) : nil
        self.bias = elementwiseAffine && bias ? Parameter(Tensor.zeros(normalizedShape)) : nil
    }

    /// Normalizes the single last axis of size `dimension`.
    public convenience init(dimension: Int, epsilon: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        self.init(normalizedShape: [dimension], epsilon: epsilon, elementwiseAffine: elementwiseAffine, bias: bias)
    }

    /// `[…, normalizedShape]` → the same shape.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        precondition(input.rank >= normalizedShape.count && Array(input.shape.suffix(normalizedShape.count)) == normalizedShape,
                     "LayerNorm: input \(input.shape) does not end in the normalized shape \(normalizedShape)")
        return layerNormalized(input, normalizedShape: normalizedShape, weight: weight?.variable, bias: bias?.variable,
                               epsilon: Scalar(epsilon))
    }
}
