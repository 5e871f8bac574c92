/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.

/// Stochastic gradient descent, PyTorch's `torch.optim.SGD` formulas exactly:
///
/// ```
/// g ← ∇p + λ·p                                   (weight decay λ)
/// b ← g on the first step, else μ·b + (1 − τ)·g  (momentum μ, dampening τ)
/// g ← g + μ·b with Nesterov, else b              (when μ ≠ 0)
/// p ← p − lr·g
/// ```
///
/// State per parameter: `momentum_buffer` (when `momentum ≠ 0`).
public final class SGD<Scalar: FloatingPointTensorElement>: Optimizer, @unchecked Sendable {
    public var state: OptimizerState<Scalar>
    /// The momentum factor `μ` (0: plain SGD).
    public var momentum: Double
    /// The dampening `τ` of the gradient added to the momentum buffer.
    public var dampening: Double
    /// Nesterov momentum: step along `g + μ·b` instead of `b`.
    public var nesterov: Bool

    /// SGD over parameter groups, each with its own learning rate and weight decay.
    ///
    /// - Precondition: Nesterov momentum needs `momentum > 0` and `dampening == 0` (as in PyTorch).
    public init(groups: [ParameterGroup<Scalar>], momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false) {
        precondition(momentum >= 0, "SGD: momentum \(momentum) is negative")
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum requires momentum > 0 and dampening 0, got momentum \(momentum), dampening \(dampening)")
        self.state = OptimizerState(groups: groups)
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
    }

    /// SGD over one group of parameters (`model.parameters`).
    public convenience init(parameters: [Parameter<Scalar>], learningRate: Double, momentum: Double = 0,
                            dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        self.init(groups: [ParameterGroup(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)],
                  momentum: momentum, dampening: dampening, nesterov: nesterov)
    }

    /// SGD over one group of named parameters (`model.namedParameters()`), whose state is saved
    /// under their names.
    public convenience init(namedParameters: [(name: String, parameter: Parameter<Scalar>)], learningRate: Double,
                            momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        self.init(groups: [ParameterGroup(namedParameters: namedParameters, learningRate: learningRate, weightDecay: weightDecay)],
                  momentum: momentum, dampening: dampening, nesterov: nesterov)
    }

    public var hyperparameters: [String: Double] {
        get { ["momentum": momentum, "dampening": dampening, "nesterov": nesterov ? 1 : 0] }
        set {
            momentum = newValue["momentum"] ?? momentum
            dampening = newValue["dampening"] ?? dampening
            nesterov = newValue["nesterov"].map { $0 != 0 } ?? nesterov
        }
    }

    public func update(_ value: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                       slots: inout [String: Tensor<Scalar>], group: ParameterGroup<Scalar>) {
        var direction = group.weightDecay == 0 ? gradient : gradient + value * Scalar(group.weightDecay)
        if momentum != 0 {
            var buffer: Tensor<Scalar>
            if let previous = slots.removeValue(forKey: "momentum_buffer") {
                buffer = previous
                buffer *= Scalar(momentum)
                buffer += dampening == 0 ? direction : direction * Scalar(1 - dampening)
            } else {
                buffer = direction.copied()  // PyTorch's first step: the buffer is the gradient, undamped
            }
            direction = nesterov ? direction + buffer * Scalar(momentum) : buffer
            slots["momentum_buffer"] = buffer
        }
        value -= direction * Scalar(group.learningRate)
    }
}
