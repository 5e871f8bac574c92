/// RMSprop: gradients divided by a running root mean square, optionally centered, with momentum.

/// RMSprop (Hinton, Lecture 6e; Graves, https://arxiv.org/abs/1308.0850 for the centered form),
/// PyTorch's `torch.optim.RMSprop` formulas:
///
/// ```
/// g ← ∇p + λ·p                                   (weight decay λ)
/// s ← α·s + (1 − α)·g²
/// a ← a + (1 − α)·(g − a),  d ← √(s − a²) + ε    (centered)
///                           d ← √s + ε           (otherwise)
/// b ← μ·b + g/d,  p ← p − lr·b                   (momentum μ > 0)
/// p ← p − lr·g/d                                 (otherwise)
/// ```
///
/// State per parameter: `step`, `square_avg`, `momentum_buffer` (momentum), `grad_avg` (centered).
public final class RMSprop<Scalar: FloatingPointTensorElement>: Optimizer, @unchecked Sendable {
    public var state: OptimizerState<Scalar>
    /// `α`, the decay of the running mean square.
    public var alpha: Double
    /// `ε`, added to the denominator for stability.
    public var epsilon: Double
    /// The momentum factor `μ` (0: none).
    public var momentum: Double
    /// Centered RMSprop: normalize by an estimate of the gradient's variance instead of its mean square.
    public var centered: Bool

    /// RMSprop over parameter groups, each with its own learning rate and weight decay.
    public init(groups: [ParameterGroup<Scalar>], alpha: Double = 0.99, epsilon: Double = 1e-8,
                momentum: Double = 0, centered: Bool = false) {
        precondition(alpha >= 0 && alpha <= 1, "RMSprop: alpha \(alpha) must lie in [0, 1]")
        precondition(epsilon >= 0 && momentum >= 0, "RMSprop: epsilon \(epsilon) and momentum \(momentum) must be non-negative")
        self.state = OptimizerState(groups: groups)
        (self.alpha, self.epsilon, self.momentum, self.centered) = (alpha, epsilon, momentum, centered)
    }

    /// RMSprop over one group of parameters (`model.parameters`).
    public convenience init(parameters: [Parameter<Scalar>], learningRate: Double = 1e-2, alpha: Double = 0.99,
                            epsilon: Double = 1e-8, weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        self.init(groups: [ParameterGroup(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)],
                  alpha: alpha, epsilon: epsilon, momentum: momentum, centered: centered)
    }

    /// RMSprop over one group of named parameters (`model.namedParameters()`), whose state is
    /// saved under their names.
    public convenience init(namedParameters: [(name: String, parameter: Parameter<Scalar>)], learningRate: Double = 1e-2,
                            alpha: Double = 0.99, epsilon: Double = 1e-8, weightDecay: Double = 0,
                            momentum: Double = 0, centered: Bool = false) {
        self.init(groups: [ParameterGroup(namedParameters: namedParameters, learningRate: learningRate, weightDecay: weightDecay)],
                  alpha: alpha, epsilon: epsilon, momentum: momentum, centered: centered)
    }

    public var hyperparameters: [String: Double] {
        get { ["alpha": alpha, "eps": epsilon, "momentum": momentum, "centered": centered ? 1 : 0] }
        set {
            alpha = newValue["alpha"] ?? alpha
            epsilon = newValue["eps"] ?? epsilon
            momentum = newValue["momentum"] ?? momentum
            centered = newValue["centered"].map { $0 != 0 } ?? centered
        }
    }

    public func update(_ value: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                       slots: inout [String: Tensor<Scalar>], group: ParameterGroup<Scalar>) {
        let direction = group.weightDecay == 0 ? gradient : gradient + value * Scalar(group.weightDecay)
        let step = (slots["step"]?.scalar ?? 0) + 1
        var squareAverage = slots.removeValue(forKey: "square_avg") ?? Tensor.zeros(value.shape)
        squareAverage *= Scalar(alpha)
        squareAverage += direction * direction * Scalar(1 - alpha)
        var denominator: Tensor<Scalar>
        if centered {
            var gradientAverage = slots.removeValue(forKey: "grad_avg") ?? Tensor.zeros(value.shape)
            gradientAverage += (direction - gradientAverage) * Scalar(1 - alpha)  // torch.lerp's rounding
            denominator = (squareAverage - gradientAverage * gradientAverage).sqrt()
            slots["grad_avg"] = gradientAverage
        } else {
            denominator = squareAverage.sqrt()
        }
        denominator += Scalar(epsilon)
        if momentum > 0 {
            var buffer = slots.removeValue(forKey: "momentum_buffer") ?? Tensor.zeros(value.shape)
            buffer *= Scalar(momentum)
            buffer += direction / denominator
            value -= buffer * Scalar(group.learningRate)
            slots["momentum_buffer"] = buffer
        } else {
            value -= direction / denominator * Scalar(group.learningRate)
        }
        slots["step"] = Tensor(step)
        slots["square_avg"] = squareAverage
    }
}
