/// Fan-in, fan-out and the gain of a nonlinearity: the two numbers every variance-preserving
/// initializer is built from.

/// The number of inputs and outputs each unit of a weight sees, like PyTorch's
/// `torch.nn.init._calculate_fan_in_and_fan_out`.
///
/// For a weight `[outputs, inputs, k₁, k₂, …]` the receptive field is `k₁·k₂·…`, and
/// `fanIn = inputs · receptive`, `fanOut = outputs · receptive`. A convolution weight
/// `[O, C/groups, kH, kW]` so has `fanIn = C/groups · kH · kW`; a linear weight `[O, I]` has
/// `fanIn = I`, `fanOut = O`.
/// - Precondition: the shape has at least two axes.
public func weightFans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
    precondition(shape.count >= 2,
                 "weightFans: shape \(shape): fan in and fan out need a weight with at least 2 axes")
    let receptiveField = shape.dropFirst(2).reduce(1, *)
    return (shape[1] * receptiveField, shape[0] * receptiveField)
}

/// Which fan an initializer preserves the variance of: `fanIn` keeps the forward activations'
/// variance, `fanOut` the backward gradients' (PyTorch's `mode='fan_in'` / `'fan_out'`).
public enum FanMode: Sendable, Hashable {
    /// Preserve the variance of the forward activations (the number of inputs per output).
    case fanIn
    /// Preserve the variance of the backward gradients (the number of outputs per input).
    case fanOut

    func select(_ fans: (fanIn: Int, fanOut: Int)) -> Int {
        switch self {
        case .fanIn: fans.fanIn
        case .fanOut: fans.fanOut
        }
    }
}

/// The nonlinearity that follows a layer, for its recommended gain (PyTorch's `calculate_gain`).
public enum Nonlinearity: Sendable, Hashable {
    /// Linear layers, convolutions and the identity: gain `1`.
    case linear
    /// Gain `1`.
    case sigmoid
    /// Gain `5/3`.
    case tanh
    /// Gain `√2`.
    case relu
    /// Gain `√(2 / (1 + slope²))`; `slope` is the negative slope `a` (PyTorch's `param`).
    case leakyRelu(slope: Double)
    /// Gain `3/4` (Klambauer et al. recommend it for self-normalizing networks).
    case selu

    /// The factor by which the nonlinearity's output standard deviation should be multiplied
    /// back to keep the signal's variance: `torch.nn.init.calculate_gain`.
    public var gain: Double {
        switch self {
        case .linear, .sigmoid: 1
        case .tanh: 5.0 / 3
        case .relu: 2.0.squareRoot()
        case .leakyRelu(let slope): (2 / (1 + slope * slope)).squareRoot()
        case .selu: 0.75
        }
    }
}
