/// AdamW: Adam with weight decay decoupled from the gradient.

/// AdamW (Loshchilov & Hutter, https://arxiv.org/abs/1711.05101), PyTorch's `torch.optim.AdamW`:
/// the parameters shrink by `lr·λ` before an Adam step on the plain gradient,
///
/// ```
/// p ← p − lr·λ·p
/// p ← Adam step with g = ∇p (no L2 term)
/// ```
///
/// so that the decay is not rescaled by the adaptive step. State per parameter as in `Adam`.
public final class AdamW<Scalar: FloatingPointTensorElement>: Optimizer, @unchecked Sendable {
    public var state: OptimizerState<Scalar>
    /// `β₁`, the decay of the first moment.
    public var beta1: Double
    /// `β₂`, the decay of the second moment.
    public var beta2: Double
    /// `ε`, added to the denominator for stability.
    public var epsilon: Double
    /// AMSGrad: divide by the largest second moment seen so far.
    public var amsgrad: Bool

    /// AdamW over parameter groups, each with its own learning rate and (decoupled) weight decay.
    public init(groups: [ParameterGroup<Scalar>], beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, amsgrad: Bool = false) {
        checkAdamSettings("AdamW", beta1: beta1, beta2: beta2, epsilon: epsilon)
        self.state = OptimizerState(groups: groups)
        (self.beta1, self.beta2, self.epsilon, self.amsgrad) = (beta1, beta2, epsilon, amsgrad)
    }

    /// AdamW over one group of parameters (`model.parameters`); PyTorch's default decay 0.01.
    public convenience init(parameters: [Parameter<Scalar>], learningRate: Double = 1e-3, beta1: Double = 0.9,
                            beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false) {
        self.init(groups: [ParameterGroup(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)],
                  beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad)
    }

    /// AdamW over one group of named parameters (`model.namedParameters()`), whose state is saved
    /// under their names. For no decay on biases and norms, pass
    /// `ParameterGroup.splittingWeightDecay(…)` to `init(groups:)` instead.
    public convenience init(namedParameters: [(name: String, parameter: Parameter<Scalar>)], learningRate: Double = 1e-3,
                            beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                            weightDecay: Double = 1e-2, amsgrad: Bool = false) {
        self.init(groups: [ParameterGroup(namedParameters: namedParameters, learningRate: learningRate, weightDecay: weightDecay)],
                  beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad)
    }

    public var hyperparameters: [String: Double] {
        get { ["beta1": beta1, "beta2": beta2, "eps": epsilon, "amsgrad": amsgrad ? 1 : 0] }
        set {
            beta1 = newValue["beta1"] ?? beta1
            beta2 = newValue["beta2"] ?? beta2
            epsilon = newValue["eps"] ?? epsilon
            amsgrad = newValue["amsgrad"].map { $0 != 0 } ?? amsgrad
        }
    }

    public func update(_ value: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                       slots: inout [String: Tensor<Scalar>], group: ParameterGroup<Scalar>) {
        if group.weightDecay != 0 {
            value *= Scalar(1 - group.learningRate * group.weightDecay)
        }
        adamStep(&value, gradient: gradient, slots: &slots, learningRate: group.learningRate,
                 beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad)
    }
}
