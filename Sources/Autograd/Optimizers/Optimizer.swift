/// The optimizer protocol: an optimizer is an update rule over per-parameter state; the loop over
/// parameter groups, the step counter and checkpointing are shared (as in mlx-swift and S4TF).

/// Updates a model's parameters in place from their gradients.
///
/// A conforming type supplies only the rule for one parameter — `update(_:gradient:slots:group:)`
/// — and its hyperparameters; `update(along:)` runs the rule over every trainable parameter that
/// has a gradient, group by group.
///
/// ```swift
/// let optimizer = SGD(namedParameters: model.namedParameters(), learningRate: 0.1, momentum: 0.9)
/// for (step, batch) in loader.enumerated() {
///     optimizer.applySchedule(schedule, at: step)
///     let gradients = loss(model(Variable(batch.input)), batch.label).backward()
///     optimizer.update(along: gradients)
/// }
/// ```
public protocol Optimizer<Scalar>: AnyObject {
    /// The element type of the parameters it updates.
    associatedtype Scalar: FloatingPointTensorElement
    /// The parameter groups, the step counter and every parameter's state tensors.
    var state: OptimizerState<Scalar> { get set }
    /// The rule's settings by PyTorch's names (`momentum`, `beta1`, `nesterov` as 0 or 1, …),
    /// saved in checkpoints and restored from them.
    var hyperparameters: [String: Double] { get set }
    /// Updates one parameter in place.
    ///
    /// - Parameters:
    ///   - value: the parameter's value; update it with `-=`/`*=`, which write in place when its
    ///     storage is uniquely referenced.
    ///   - gradient: its gradient, of the same shape.
    ///   - slots: its state tensors by name (`momentum_buffer`, `exp_avg`, …), empty before the
    ///     first update; they are saved as `state.<parameter name>.<slot name>`.
    ///   - group: its group's learning rate and weight decay.
    func update(_ value: inout Tensor<Scalar>, gradient: Tensor<Scalar>,
                slots: inout [String: Tensor<Scalar>], group: ParameterGroup<Scalar>)
}

/// What an optimizer remembers between steps: its groups, its step count and each parameter's
/// state tensors.
public struct OptimizerState<Scalar: FloatingPointTensorElement>: @unchecked Sendable {
    /// The parameter groups, each with its own learning rate and weight decay.
    public var groups: [ParameterGroup<Scalar>]
    /// The number of `update(along:)` calls so far.
    public var step = 0
    /// The state tensors of each parameter, by parameter identity.
    var slots: [ObjectIdentifier: [String: Tensor<Scalar>]] = [:]

    /// A fresh state over `groups`.
    ///
    /// - Precondition: no parameter appears twice.
    public init(groups: [ParameterGroup<Scalar>]) {
        let identities = groups.flatMap(\.parameters).map(ObjectIdentifier.init)
        precondition(Set(identities).count == identities.count, "Optimizer: a parameter appears in more than one group or twice in one group")
        for (index, group) in groups.enumerated() {
            precondition(group.names == nil || group.names!.count == group.parameters.count,
                         "Optimizer: group \(index) has \(group.parameters.count) parameters but \(group.names!.count) names")
        }
        self.groups = groups
    }

    /// The state tensors of `parameter` (empty before its first update).
    public func slots(for parameter: Parameter<Scalar>) -> [String: Tensor<Scalar>] {
        slots[ObjectIdentifier(parameter)] ?? [:]
    }

    /// Every parameter with the name its state is saved under: its group's name for it, or its
    /// position across all groups (PyTorch's numbering).
    public var namedParameters: [(name: String, parameter: Parameter<Scalar>)] {
        var result: [(name: String, parameter: Parameter<Scalar>)] = []
        for group in groups {
            for (index, parameter) in group.parameters.enumerated() {
                result.append((group.names?[index] ?? "\(result.count)", parameter))
            }
        }
        return result
    }
}

extension Optimizer {
    /// Takes one step: updates every trainable parameter that has a gradient in `gradients`, in
    /// place, and counts the step. Parameters without a gradient (unused in this step, frozen)
    /// keep their value and their state, as in PyTorch.
    public func update(along gradients: Gradients<Scalar>) {
        state.step += 1
        for group in state.groups {
            for parameter in group.parameters where parameter.requiresGradient {
                guard let gradient = gradients[parameter] else { continue }
                let key = ObjectIdentifier(parameter)
                // Taken out of the dictionary so that each slot's storage is uniquely referenced
                // and the rule updates it in place.
                var slots = state.slots.removeValue(forKey: key) ?? [:]
                update(&parameter.value, gradient: gradient, slots: &slots, group: group)
                state.slots[key] = slots
            }
        }
    }

    /// The number of steps taken.
    public var step: Int { state.step }

    /// The parameter groups.
    public var parameterGroups: [ParameterGroup<Scalar>] {
        get { state.groups }
        set { state.groups = newValue }
    }

    /// The first group's learning rate; setting it sets every group's (and not their initial rates).
    public var learningRate: Double {
        get { state.groups.first?.learningRate ?? 0 }
        set { for index in state.groups.indices { state.groups[index].learningRate = newValue } }
    }

    /// Sets each group's learning rate to `schedule`'s value at `step`, starting from the group's
    /// initial learning rate — like a PyTorch scheduler, which scales every group's `initial_lr`.
    public func applySchedule(_ schedule: some LearningRateSchedule, at step: Int) {
        for index in state.groups.indices {
            state.groups[index].learningRate = schedule.learningRate(at: step, initial: state.groups[index].initialLearningRate)
        }
    }
}
