import Foundation

/// Adam: per-parameter step sizes from running moments of the gradient, with bias correction.

/// Adam (Kingma & Ba, https://arxiv.org/abs/1412.6980), PyTorch's `torch.optim.Adam` formulas:
///
/// ```
/// g ← ∇p + λ·p                          (weight decay λ, an L2 penalty)
/// m ← m + (1 − β₁)·(g − m)              (first moment)
/// v ← β₂·v + (1 − β₂)·g²                (second moment)
/// v̂ ← max(v̂, v) with AMSGrad, else v
/// p ← p − lr/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
/// ```
///
/// `ε` is added outside the square root, and `t` counts this parameter's own updates. State per
/// parameter: `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with AMSGrad.
public final class Adam<Scalar: FloatingPointTensorElement>: Optimizer, @unchecked Sendable {
    public var state: OptimizerState<Scalar>
    /// `β₁`, the decay of the first moment.
    public var beta1: Double
    /// `β₂`, the decay of the second moment.
    public var beta2: Double
    /// `ε`, added to the denominator for stability.
    public var epsilon: Double
    /// AMSGrad (Reddi et al., https://openreview.net/forum?id=ryQu7f-RZ): divide by the largest
    /// second moment seen so far.
    public var amsgrad: Bool

    /// Adam over parameter groups, each with its own learning rate and weight decay.
    public init(groups: [ParameterGroup<Scalar>], beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, amsgrad: Bool = false) {
        checkAdamSettings("Adam", beta1: beta1, beta2: beta2, epsilon: epsilon)
        self.state = OptimizerState(groups: groups)
        (self.beta1, self.beta2, self.epsilon, self.amsgrad) = (beta1, beta2, epsilon, amsgrad)
    }

    /// Adam over one group of parameters (`model.parameters`).
    public convenience init(parameters: [Parameter<Scalar>], learningRate: Double = 1e-3, beta1: Double = 0.9,
                            beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false) {
        self.init(groups: [ParameterGroup(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)],
                  beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad)
    }

    /// Adam over one group of named parameters (`model.namedParameters()`), whose state is saved
    /// under their names.
    public convenience init(namedParameters: [(name: String, parameter: Parameter<Scalar>)], learningRate: Double = 1e-3,
                            beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                            weightDecay: Double = 0, amsgrad: Bool = false) {
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
        let direction = group.weightDecay == 0 ? gradient : gradient + value * Scalar(group.weightDecay)
        adamStep(&value, gradient: direction, slots: &slots, learningRate: group.learningRate,
                 beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad)
    }
}

/// Preconditions shared by Adam and AdamW.
func checkAdamSettings(_ name: String, beta1: Double, beta2: Double, epsilon: Double) {
    precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "\(name): betas (\(beta1), \(beta2)) must lie in [0, 1)")
    precondition(epsilon >= 0, "\(name): epsilon \(epsilon) is negative")
}

/// The Adam step shared by Adam and AdamW, on a gradient that already includes any L2 penalty.
func adamStep<Scalar: FloatingPointTensorElement>(
    _ value: inout Tensor<Scalar>, gradient: Tensor<Scalar>, slots: inout [String: Tensor<Scalar>],
    learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, amsgrad: Bool
) {
    let step = (slots["step"]?.scalar.doubleValue ?? 0) + 1
    var firstMoment = slots.removeValue(forKey: "exp_avg") ?? Tensor.zeros(value.shape)
    var secondMoment = slots.removeValue(forKey: "exp_avg_sq") ?? Tensor.zeros(value.shape)
    // PyTorch's lerp: m + w·(g − m) for a weight w < 0.5, the same rounding as torch.lerp.
    firstMoment += (gradient - firstMoment) * Scalar(1 - beta1)
    secondMoment *= Scalar(beta2)
    secondMoment += gradient * gradient * Scalar(1 - beta2)
    // Bias corrections in Double, as PyTorch computes them from a Python float step.
    let stepSize = learningRate / (1 - Foundation.pow(beta1, step))
    let secondCorrectionRoot = (1 - Foundation.pow(beta2, step)).squareRoot()
    var denominatorMoment = secondMoment
    if amsgrad {
        let previousMaximum = slots.removeValue(forKey: "max_exp_avg_sq") ?? Tensor.zeros(value.shape)
        denominatorMoment = Tensor.maximum(previousMaximum, secondMoment)
        slots["max_exp_avg_sq"] = denominatorMoment
    }
    let denominator = denominatorMoment.sqrt() / Scalar(secondCorrectionRoot) + Scalar(epsilon)
    value -= firstMoment / denominator * Scalar(stepSize)
    slots["step"] = Tensor(Scalar(step))
    slots["exp_avg"] = firstMoment
    slots["exp_avg_sq"] = secondMoment
}
