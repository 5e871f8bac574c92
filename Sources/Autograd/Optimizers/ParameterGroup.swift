/// Parameters that share a learning rate and a weight decay — PyTorch's `param_groups`.

/// A set of parameters trained with the same learning rate and weight decay.
///
/// Groups give different parts of a model different settings: no weight decay on biases and
/// normalization weights, a larger learning rate for a new classifier head. Like PyTorch's
/// `{"params": …, "lr": …, "weight_decay": …}`.
///
/// ```swift
/// let optimizer = SGD(groups: [
///     ParameterGroup(parameters: backbone.parameters, learningRate: 0.01),
///     ParameterGroup(parameters: head.parameters, learningRate: 0.1, weightDecay: 5e-4),
/// ], momentum: 0.9)
/// ```
public struct ParameterGroup<Scalar: FloatingPointTensorElement>: @unchecked Sendable {
    /// The parameters, in order; their state is saved under `names`.
    public var parameters: [Parameter<Scalar>]
    /// The names the parameters' state is saved under in checkpoints (dotted module names), or
    /// `nil` to number them across all groups as PyTorch does (`state.0.momentum_buffer`, …).
    public var names: [String]?
    /// The current learning rate; a schedule sets it every step.
    public var learningRate: Double
    /// The learning rate the group was created with: the base a schedule starts from (PyTorch's
    /// `initial_lr`).
    public var initialLearningRate: Double
    /// The L2 penalty `λ` (added to the gradient as `λ·p`, or decoupled in AdamW).
    public var weightDecay: Double

    /// A group of unnamed parameters: their state is numbered in checkpoints.
    public init(parameters: [Parameter<Scalar>], learningRate: Double, weightDecay: Double = 0) {
        precondition(learningRate >= 0, "ParameterGroup: learning rate \(learningRate) is negative")
        precondition(weightDecay >= 0, "ParameterGroup: weight decay \(weightDecay) is negative")
        self.parameters = parameters
        self.names = nil
        self.learningRate = learningRate
        self.initialLearningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// A group of named parameters (`model.namedParameters()`): their state is saved under their names.
    public init(namedParameters: [(name: String, parameter: Parameter<Scalar>)], learningRate: Double, weightDecay: Double = 0) {
        self.init(parameters: namedParameters.map(\.parameter), learningRate: learningRate, weightDecay: weightDecay)
        self.names = namedParameters.map(\.name)
    }

    /// Two groups, the second without weight decay: the usual rule of excluding biases and
    /// normalization weights from decay (timm's `param_groups_weight_decay`).
    ///
    /// - Parameters:
    ///   - namedParameters: the model's parameters with their names (`model.namedParameters()`).
    ///   - learningRate: both groups' learning rate.
    ///   - weightDecay: the first group's weight decay.
    ///   - isExcludedFromDecay: which parameters get no decay; by default those of rank at most 1
    ///     (biases, batch- and layer-norm weights).
    /// - Returns: `[decayed, notDecayed]`, each in the model's parameter order.
    public static func splittingWeightDecay(
        _ namedParameters: [(name: String, parameter: Parameter<Scalar>)],
        learningRate: Double, weightDecay: Double,
        isExcludedFromDecay: (String, Parameter<Scalar>) -> Bool = { _, parameter in parameter.shape.count <= 1 }
    ) -> [ParameterGroup] {
        let excluded = namedParameters.filter { isExcludedFromDecay($0.name, $0.parameter) }
        let decayed = namedParameters.filter { !isExcludedFromDecay($0.name, $0.parameter) }
        return [ParameterGroup(namedParameters: decayed, learningRate: learningRate, weightDecay: weightDecay),
                ParameterGroup(namedParameters: excluded, learningRate: learningRate, weightDecay: 0)]
    }
}
