import Foundation

/// Checkpoints: a model, its optimizer, the schedule's step and the random generators in one
/// safetensors file, so that a resumed run equals one that never stopped (DESIGN.md, decisions
/// 10 and 11).

/// Everything a training run needs to resume, as one safetensors file.
///
/// Entries (keys):
/// - the model's parameters and buffers under their dotted names (`layer1.0.conv1.weight`), as
///   PyTorch's `model.state_dict()` names them;
/// - the optimizer's `stateTensors` under `optimizer.` (`optimizer.state.fc.weight.exp_avg`);
/// - the schedule's step as `schedule.step` (int64);
/// - each random generator's `PhiloxGenerator.state` as `generator.<name>` (int64 `[4]`, the
///   bits of the UInt64 words);
/// - `CheckpointMetadata` in the header's `__metadata__`.
///
/// ```swift
/// try Checkpoint(model: model, optimizer: optimizer, scheduleStep: step,
///                generators: ["data": generator], metadata: CheckpointMetadata(seed: 42))
///     .write(to: url)
/// let checkpoint = try Checkpoint(contentsOf: url)
/// try checkpoint.restore(model)
/// try checkpoint.restore(optimizer)
/// generator = try checkpoint.generator(named: "data")
/// ```
public struct Checkpoint: Sendable {
    /// The file's tensors and metadata.
    public var file: SafetensorsFile
    /// Where the checkpoint was read from, for errors (`"checkpoint"` when built in memory).
    public var path: String

    static let optimizerPrefix = "optimizer."
    static let generatorPrefix = "generator."
    static let scheduleStepKey = "schedule.step"

    /// A checkpoint of a training run.
    ///
    /// - Parameters:
    ///   - model: whose parameters and buffers are saved.
    ///   - optimizer: whose state is saved, if any.
    ///   - scheduleStep: the step the learning-rate schedule is at (the next step to run).
    ///   - generators: the random generators by name (`"data"`, `"dropout"`, …).
    ///   - metadata: seed, thread count, BLAS configuration, revision.
    /// - Precondition: no model entry starts with `optimizer.`, `generator.` or `schedule.`.
    public init<Model: Module>(
        model: Model, optimizer: (any Optimizer<Model.Scalar>)? = nil, scheduleStep: Int? = nil,
        generators: [String: PhiloxGenerator] = [:], metadata: CheckpointMetadata = CheckpointMetadata()
    ) {
        var tensors: [String: AnyTensor] = [:]
        for (name, tensor) in Self.modelEntries(model) {
            precondition(!Self.isReserved(name), "Checkpoint: the model entry '\(name)' uses a prefix reserved for the optimizer, schedule or generators")
            tensors[name] = tensor
        }
        if let optimizer {
            for (key, tensor) in optimizer.stateTensors { tensors[Self.optimizerPrefix + key] = tensor }
        }
        if let scheduleStep { tensors[Self.scheduleStepKey] = AnyTensor(Tensor<Int>(scheduleStep)) }
        for (name, generator) in generators {
            tensors[Self.generatorPrefix + name] = AnyTensor(Tensor<Int>(generator.state.map { Int(bitPattern: UInt($0)) }))
        }
        file = SafetensorsFile(tensors: tensors, metadata: metadata.strings)
        path = "checkpoint"
    }

    /// Reads a checkpoint file.
    ///
    /// - Throws: `TensorFileError` naming the file when it cannot be read, is not a safetensors
    ///   file, or is truncated.
    public init(contentsOf url: URL) throws {
        file = try SafetensorsFile(contentsOf: url)
        path = url.path
    }

    /// Writes the checkpoint atomically: to a temporary file in the same folder, then renamed, so
    /// a crash never leaves a half-written checkpoint and an older one at `url` stays intact until
    /// the new one is complete.
    ///
    /// - Throws: `TensorFileError` when the file cannot be written.
    public func write(to url: URL) throws {
        try file.write(to: url)
    }

    /// The metadata recorded with the checkpoint.
    public var metadata: CheckpointMetadata { CheckpointMetadata(strings: file.metadata) }

    /// The schedule's step, or `nil` when none was saved.
    ///
    /// - Throws: `CheckpointError` when the entry is not an int64 scalar.
    public func scheduleStep() throws -> Int? {
        guard let entry = file.tensors[Self.scheduleStepKey] else { return nil }
        guard let tensor = entry.int64 else {
            throw CheckpointError(path: path, problem: .dataTypeMismatch(key: Self.scheduleStepKey, expected: .int64, found: entry.dataType))
        }
        guard tensor.shape.isEmpty else {
            throw CheckpointError(path: path, problem: .shapeMismatch(key: Self.scheduleStepKey, expected: [], found: tensor.shape))
        }
        return tensor.scalar
    }

    /// The names of the saved generators.
    public var generatorNames: [String] {
        file.tensors.keys.filter { $0.hasPrefix(Self.generatorPrefix) }.map { String($0.dropFirst(Self.generatorPrefix.count)) }.sorted()
    }

    /// The generator saved under `name`, at the position where it was saved.
    ///
    /// - Throws: `CheckpointError` when it is missing or not a valid generator state.
    public func generator(named name: String) throws -> PhiloxGenerator {
        let key = Self.generatorPrefix + name
        guard let entry = file.tensors[key] else { throw CheckpointError(path: path, problem: .missing(key: key)) }
        guard let tensor = entry.int64 else {
            throw CheckpointError(path: path, problem: .dataTypeMismatch(key: key, expected: .int64, found: entry.dataType))
        }
        guard tensor.shape == [4] else { throw CheckpointError(path: path, problem: .shapeMismatch(key: key, expected: [4], found: tensor.shape)) }
        let words = tensor.scalars.map { UInt64(UInt(bitPattern: $0)) }
        guard words[3] <= 4 else {
            throw CheckpointError(path: path, problem: .invalidValue(key: key, reason: "is not a PhiloxGenerator state (words used \(words[3]) > 4)"))
        }
        return PhiloxGenerator(state: words)
    }

    /// Whether `key` belongs to the optimizer, the schedule or the generators rather than the model.
    static func isReserved(_ key: String) -> Bool {
        key.hasPrefix(optimizerPrefix) || key.hasPrefix(generatorPrefix) || key.hasPrefix("schedule.")
    }

    /// The model's parameters and buffers by dotted name.
    static func modelEntries<Model: Module>(_ model: Model) -> [(name: String, tensor: AnyTensor)] {
        model.namedParameters().map { ($0.name, AnyTensor($0.parameter.value)) }
            + model.namedBuffers().map { ($0.name, $0.buffer.anyValue) }
    }
}
