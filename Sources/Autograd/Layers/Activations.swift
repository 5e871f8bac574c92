/// Activation functions as layers, for `Sequential`: each applies the elementwise op of the same
/// name, keeps the shape and holds no parameters.

/// `max(x, 0)`: PyTorch's `nn.ReLU`.
public final class ReLU<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// A ReLU layer.
    public init() {}
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { input.relu() }
}

/// `x > 0 ? x : slope·x`: PyTorch's `nn.LeakyReLU` (default slope 0.01).
public final class LeakyReLU<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The slope for negative inputs.
    public let slope: Scalar
    /// A leaky ReLU with `slope` for negative inputs.
    public init(slope: Scalar = 0.01) { self.slope = slope }
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { input.leakyRelu(slope: slope) }
}

/// `x · Φ(x)` with the exact normal CDF `Φ(x) = (1 + erf(x/√2)) / 2`: PyTorch's `nn.GELU()`
/// (Hendrycks & Gimpel, https://arxiv.org/abs/1606.08415), used by ViT and MAE; or its tanh
/// approximation, `nn.GELU(approximate='tanh')`.
public final class GELU<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// `.exact` or `.tanh`.
    public let approximate: GELUApproximation
    /// A GELU layer, exact unless `approximate` is `.tanh`.
    public init(approximate: GELUApproximation = .exact) { self.approximate = approximate }
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { input.gelu(approximate: approximate) }
}

/// `x · σ(x)`: PyTorch's `nn.SiLU` (swish).
public final class SiLU<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// A SiLU layer.
    public init() {}
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { input.silu() }
}

/// `tanh x`: PyTorch's `nn.Tanh`.
public final class Tanh<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// A tanh layer.
    public init() {}
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { input.tanh() }
}

/// `1 / (1 + e⁻ˣ)`: PyTorch's `nn.Sigmoid`.
public final class Sigmoid<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// A sigmoid layer.
    public init() {}
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { input.sigmoid() }
}
