/// A fully connected layer: `y = x · Wᵀ + b`.
///
/// Initialized like PyTorch's `nn.Linear`: weight and bias uniform in `±1/√inputFeatures`
/// (Kaiming uniform with `a = √5`).
public final class Linear<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// `[outputFeatures, inputFeatures]`, PyTorch's layout.
    public let weight: Parameter<Scalar>
    /// `[outputFeatures]`, or `nil` without bias.
    public let bias: Parameter<Scalar>?

    /// A layer from `inputFeatures` to `outputFeatures`, with weight and bias drawn from
    /// `U(−1/√inputFeatures, 1/√inputFeatures)` as PyTorch's `nn.Linear` draws them.
    public init(inputFeatures: Int, outputFeatures: Int, bias: Bool = true, using generator: inout PhiloxGenerator) {
        let bound = 1 / Double(inputFeatures).squareRoot()
        weight = Parameter(Tensor.uniform([outputFeatures, inputFeatures], low: Scalar(-bound), high: Scalar(bound), using: &generator))
        self.bias = bias
            ? Parameter(Tensor.uniform([outputFeatures], low: Scalar(-bound), high: Scalar(bound), using: &generator))
            : nil
    }

    /// `[…, inputFeatures]` → `[…, outputFeatures]`.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        linear(input, weight: weight.variable, bias: bias?.variable)
    }
}
