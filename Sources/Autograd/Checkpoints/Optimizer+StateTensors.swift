/// An optimizer's state as named tensors, the form it takes in a checkpoint (like PyTorch's
/// `optimizer.state_dict()`).

extension Optimizer {
    /// Everything needed to continue training exactly where it stopped:
    ///
    /// - `step`: the number of updates (int64 scalar);
    /// - `param_groups.<i>.lr`, `.initial_lr`, `.weight_decay`: each group's settings (float64 scalars);
    /// - `hyperparameters.<name>`: the rule's settings, e.g. `hyperparameters.momentum` (float64 scalars);
    /// - `state.<parameter name>.<slot>`: each parameter's state tensors, e.g.
    ///   `state.fc.weight.momentum_buffer`, in the parameters' scalar type.
    ///
    /// Parameters are named as in their group (`model.namedParameters()`), or numbered across
    /// groups as PyTorch does when the groups were built without names.
    public var stateTensors: [String: AnyTensor] {
        var result: [String: AnyTensor] = ["step": AnyTensor(Tensor<Int>(state.step))]
        for (index, group) in state.groups.enumerated() {
            result["param_groups.\(index).lr"] = AnyTensor(Tensor<Double>(group.learningRate))
            result["param_groups.\(index).initial_lr"] = AnyTensor(Tensor<Double>(group.initialLearningRate))
            result["param_groups.\(index).weight_decay"] = AnyTensor(Tensor<Double>(group.weightDecay))
        }
        for (name, value) in hyperparameters {
            result["hyperparameters.\(name)"] = AnyTensor(Tensor<Double>(value))
        }
        for (name, parameter) in state.namedParameters {
            for (slot, tensor) in state.slots(for: parameter) {
                result["state.\(name).\(slot)"] = AnyTensor(tensor)
            }
        }
        return result
    }

    /// Restores a state saved by `stateTensors` into an optimizer built over the same
    /// parameters with the same groups.
    ///
    /// Every entry is checked before anything changes: on error the optimizer is untouched.
    /// - Parameters:
    ///   - tensors: the entries `stateTensors` wrote, without the `optimizer.` prefix.
    ///   - path: names the checkpoint in errors.
    /// - Throws: `CheckpointError` naming the first missing, unexpected or mismatched entry.
    public func loadStateTensors(_ tensors: [String: AnyTensor], path: String = "optimizer state") throws {
        func failure(_ problem: CheckpointError.Problem) -> CheckpointError { CheckpointError(path: path, problem: problem) }
        var remaining = tensors
        func scalar<Element: TensorElement>(_ key: String, as _: Element.Type) throws -> Element {
            guard let entry = remaining.removeValue(forKey: key) else { throw failure(.missing(key: key)) }
            guard entry.dataType == Element.dataType else {
                throw failure(.dataTypeMismatch(key: key, expected: Element.dataType, found: entry.dataType))
            }
            guard entry.shape.isEmpty else { throw failure(.shapeMismatch(key: key, expected: [], found: entry.shape)) }
            return entry.tensor(as: Element.self)!.scalar
        }
        let step = try scalar("step", as: Int.self)
        guard step >= 0 else { throw failure(.invalidValue(key: "step", reason: "is negative (\(step))")) }
        var groups = state.groups
        for index in groups.indices {
            groups[index].learningRate = try scalar("param_groups.\(index).lr", as: Double.self)
            groups[index].initialLearningRate = try scalar("param_groups.\(index).initial_lr", as: Double.self)
            groups[index].weightDecay = try scalar("param_groups.\(index).weight_decay", as: Double.self)
        }
        var settings: [String: Double] = [:]
        for name in hyperparameters.keys.sorted() {
            settings[name] = try scalar("hyperparameters.\(name)", as: Double.self)
        }
        // State entries: `state.<parameter name>.<slot>`; parameter names may contain dots, slots do not.
        let parameters = Dictionary(state.namedParameters.map { ($0.name, $0.parameter) }, uniquingKeysWith: { first, _ in first })
        var slots: [ObjectIdentifier: [String: Tensor<Scalar>]] = [:]
        for key in remaining.keys.sorted() where key.hasPrefix("state.") {
            let path = key.dropFirst("state.".count)
            guard let dot = path.lastIndex(of: "."), let parameter = parameters[String(path[..<dot])] else {
                throw failure(.unexpected(key: key))
            }
            let entry = remaining.removeValue(forKey: key)!
            guard let tensor = entry.tensor(as: Scalar.self) else {
                throw failure(.dataTypeMismatch(key: key, expected: Scalar.dataType, found: entry.dataType))
            }
            guard tensor.shape == parameter.shape || tensor.shape.isEmpty else {
                throw failure(.shapeMismatch(key: key, expected: parameter.shape, found: tensor.shape))
            }
            // A copy, so the optimizer owns its state and updates it in place.
            slots[ObjectIdentifier(parameter), default: [:]][String(path[path.index(after: dot)...])] = tensor.copied()
        }
        if let extra = remaining.keys.sorted().first { throw failure(.unexpected(key: extra)) }
        state.step = step
        state.groups = groups
        state.slots = slots
        hyperparameters = settings
    }
}
