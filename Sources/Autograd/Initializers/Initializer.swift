/// Weight initializers: each draws from an explicit generator, with the formulas of
/// `torch.nn.init` so that a model starts from the same distribution as its PyTorch twin.
///
/// ```swift
/// var generator = PhiloxGenerator(seed: 0)
/// let weight: Tensor<Float> = Initializer.kaimingNormal(mode: .fanOut, nonlinearity: .relu)
///     .tensor([64, 3, 7, 7], using: &generator)
/// conv.weight.initialize(.kaimingNormal(mode: .fanOut), using: &generator)
/// ```
public enum Initializer: Sendable, Hashable {
    /// Every element `value` (`nn.init.constant_`).
    case constant(Double)
    /// `U(low, high)` (`nn.init.uniform_`).
    case uniform(low: Double, high: Double)
    /// `N(mean, standardDeviation²)` (`nn.init.normal_`).
    case normal(mean: Double, standardDeviation: Double)
    /// `N(mean, σ²)` restricted to the absolute bounds `[lower, upper]` (`nn.init.trunc_normal_`,
    /// timm's `trunc_normal_`; ViTs use `standardDeviation: 0.02` with the default bounds ±2).
    case truncatedNormal(mean: Double = 0, standardDeviation: Double = 1, lower: Double = -2, upper: Double = 2)
    /// `U(−b, b)` with `b = gain · √(3 / fan)` (He et al., 2015, https://arxiv.org/abs/1502.01852;
    /// `nn.init.kaiming_uniform_`). PyTorch's default `a = 0, nonlinearity='leaky_relu'` is `.relu`.
    case kaimingUniform(mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .relu)
    /// `N(0, σ²)` with `σ = gain / √fan` (`nn.init.kaiming_normal_`).
    case kaimingNormal(mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .relu)
    /// `U(−b, b)` with `b = gain · √(6 / (fanIn + fanOut))` (Glorot & Bengio, 2010;
    /// `nn.init.xavier_uniform_`).
    case xavierUniform(gain: Double = 1)
    /// `N(0, σ²)` with `σ = gain · √(2 / (fanIn + fanOut))` (`nn.init.xavier_normal_`).
    case xavierNormal(gain: Double = 1)

    /// Every element zero (`nn.init.zeros_`).
    public static let zeros = Initializer.constant(0)
    /// Every element one (`nn.init.ones_`).
    public static let ones = Initializer.constant(1)

    /// A tensor of `shape` drawn from this initializer.
    ///
    /// - Parameters:
    ///   - shape: the weight's shape, in PyTorch's layout (`[out, in]`, `[O, C/groups, kH, kW]`):
    ///     the Kaiming and Xavier initializers read their fans from it with `weightFans`.
    ///   - generator: the stream to draw from; it moves past the numbers used (constants draw none).
    /// - Precondition: Kaiming and Xavier need a shape with at least two axes.
    public func tensor<Scalar: FloatingPointTensorElement>(
        _ shape: [Int], using generator: inout PhiloxGenerator
    ) -> Tensor<Scalar> {
        switch self {
        case .constant(let value):
            return Tensor.full(shape, Scalar(value))
        case let .uniform(low, high):
            return Tensor.uniform(shape, low: Scalar(low), high: Scalar(high), using: &generator)
        case let .normal(mean, standardDeviation):
            return Tensor.normal(shape, mean: Scalar(mean), standardDeviation: Scalar(standardDeviation), using: &generator)
        case let .truncatedNormal(mean, standardDeviation, lower, upper):
            return Tensor.truncatedNormal(shape, mean: Scalar(mean), standardDeviation: Scalar(standardDeviation),
                                          lower: Scalar(lower), upper: Scalar(upper), using: &generator)
        case let .kaimingUniform(mode, nonlinearity):
            let bound = 3.0.squareRoot() * kaimingStandardDeviation(shape, mode, nonlinearity)
            return Tensor.uniform(shape, low: Scalar(-bound), high: Scalar(bound), using: &generator)
        case let .kaimingNormal(mode, nonlinearity):
            let standardDeviation = kaimingStandardDeviation(shape, mode, nonlinearity)
            return Tensor.normal(shape, mean: 0, standardDeviation: Scalar(standardDeviation), using: &generator)
        case .xavierUniform(let gain):
            let bound = 3.0.squareRoot() * xavierStandardDeviation(shape, gain)
            return Tensor.uniform(shape, low: Scalar(-bound), high: Scalar(bound), using: &generator)
        case .xavierNormal(let gain):
            let standardDeviation = xavierStandardDeviation(shape, gain)
            return Tensor.normal(shape, mean: 0, standardDeviation: Scalar(standardDeviation), using: &generator)
        }
    }

    /// `gain / √fan`.
    private func kaimingStandardDeviation(_ shape: [Int], _ mode: FanMode, _ nonlinearity: Nonlinearity) -> Double {
        let fan = mode.select(weightFans(shape))
        precondition(fan > 0, "Initializer.\(self): shape \(shape) has a zero fan")
        return nonlinearity.gain / Double(fan).squareRoot()
    }

    /// `gain · √(2 / (fanIn + fanOut))`.
    private func xavierStandardDeviation(_ shape: [Int], _ gain: Double) -> Double {
        let fans = weightFans(shape)
        precondition(fans.fanIn + fans.fanOut > 0, "Initializer.\(self): shape \(shape) has zero fans")
        return gain * (2 / Double(fans.fanIn + fans.fanOut)).squareRoot()
    }
}

extension Parameter {
    /// Replaces the value with a fresh draw of the same shape from `initializer`
    /// (`nn.init.*_(parameter)`).
    public func initialize(_ initializer: Initializer, using generator: inout PhiloxGenerator) {
        value = initializer.tensor(shape, using: &generator)
    }
}
