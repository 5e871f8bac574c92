/// Loading a checkpoint into a model and an optimizer, checking every entry first.

/// The model entries a non-strict restore skipped, like PyTorch's `_IncompatibleKeys`.
public struct CheckpointRestoreReport: Sendable, Equatable {
    /// Model entries the checkpoint lacks; they keep their current values.
    public var missingKeys: [String]
    /// Checkpoint entries the model lacks; they are ignored.
    public var unexpectedKeys: [String]

    /// A report of the keys that did not match.
    public init(missingKeys: [String], unexpectedKeys: [String]) {
        self.missingKeys = missingKeys
        self.unexpectedKeys = unexpectedKeys
    }
}

extension Checkpoint {
    /// Copies the checkpoint's parameters and buffers into `model`.
    ///
    /// Every entry is checked before anything is copied, so on error the model is unchanged.
    /// Shapes and element types must always match; `strict` decides whether missing and
    /// unexpected entries are errors (as in PyTorch's `load_state_dict(strict:)`). Entries of the
    /// optimizer, schedule and generators are not model entries.
    ///
    /// - Returns: the entries skipped (both empty when `strict`).
    /// - Throws: `CheckpointError` naming the first missing or unexpected entry (when strict),
    ///   or the first entry whose shape or element type differs.
    @discardableResult
    public func restore<Model: Module>(_ model: Model, strict: Bool = true) throws -> CheckpointRestoreReport {
        let parameters = model.namedParameters()
        let buffers = model.namedBuffers()
        let expected = parameters.map { ($0.name, $0.parameter.shape, Model.Scalar.dataType) }
            + buffers.map { ($0.name, $0.buffer.anyValue.shape, $0.buffer.anyValue.dataType) }
        let modelKeys = Set(expected.map(\.0))
        let missing = expected.map(\.0).filter { file.tensors[$0] == nil }
        let unexpected = file.tensors.keys.filter { !Self.isReserved($0) && !modelKeys.contains($0) }.sorted()
        if strict, let key = missing.first { throw CheckpointError(path: path, problem: .missing(key: key)) }
        if strict, let key = unexpected.first { throw CheckpointError(path: path, problem: .unexpected(key: key)) }
        for (name, shape, dataType) in expected {
            guard let entry = file.tensors[name] else { continue }
            guard entry.dataType == dataType else {
                throw CheckpointError(path: path, problem: .dataTypeMismatch(key: name, expected: dataType, found: entry.dataType))
            }
            guard entry.shape == shape else {
                throw CheckpointError(path: path, problem: .shapeMismatch(key: name, expected: shape, found: entry.shape))
            }
        }
        // Copies, so that the model owns its storage and optimizers update it in place.
        for (name, parameter) in parameters {
            if let tensor = file.tensors[name]?.tensor(as: Model.Scalar.self) { parameter.value = tensor.copied() }
        }
        for (name, buffer) in buffers {
            if let entry = file.tensors[name] { buffer.anyValue = entry }
        }
        return CheckpointRestoreReport(missingKeys: missing, unexpectedKeys: unexpected)
    }

    /// Restores `optimizer`'s state (step, groups' learning rates and weight decays,
    /// hyperparameters, per-parameter state) from the `optimizer.` entries.
    ///
    /// The optimizer must be built over the same parameters, named or numbered the same way, as
    /// the one saved; on error it is unchanged.
    /// - Throws: `CheckpointError` naming the first missing, unexpected or mismatched entry
    ///   (with its `optimizer.` prefix).
    public func restore<Optimizing: Optimizer>(_ optimizer: Optimizing) throws {
        var entries: [String: AnyTensor] = [:]
        for (key, tensor) in file.tensors where key.hasPrefix(Self.optimizerPrefix) {
            entries[String(key.dropFirst(Self.optimizerPrefix.count))] = tensor
        }
        do {
            try optimizer.loadStateTensors(entries, path: path)
        } catch var error as CheckpointError {
            error.problem = error.problem.prefixed(Self.optimizerPrefix)
            throw error
        }
    }
}

extension CheckpointError.Problem {
    /// The same problem with `prefix` before the entry's key.
    func prefixed(_ prefix: String) -> Self {
        switch self {
        case .missing(let key): .missing(key: prefix + key)
        case .unexpected(let key): .unexpected(key: prefix + key)
        case .shapeMismatch(let key, let expected, let found): .shapeMismatch(key: prefix + key, expected: expected, found: found)
        case .dataTypeMismatch(let key, let expected, let found): .dataTypeMismatch(key: prefix + key, expected: expected, found: found)
        case .invalidValue(let key, let reason): .invalidValue(key: prefix + key, reason: reason)
        }
    }
}
