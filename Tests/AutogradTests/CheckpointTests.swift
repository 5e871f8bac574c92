import Foundation
import Testing
import Autograd
import _TestSupport

/// A two-layer regressor with a buffer, so that checkpoints carry buffers as well as parameters.
final class TinyRegressor: Layer, @unchecked Sendable {
    typealias Scalar = Float
    var isTraining = true
    let hidden: Linear<Float>
    let output: Linear<Float>
    let seenBatches = Buffer(Tensor<Int>(0))
    init(seed: UInt64) {
        var generator = PhiloxGenerator(seed: seed)
        hidden = Linear(inputFeatures: 4, outputFeatures: 8, using: &generator)
        output = Linear(inputFeatures: 8, outputFeatures: 1, using: &generator)
    }
    func forward(_ input: Variable<Float>) -> Variable<Float> { output(hidden(input).relu()) }
}

/// A folder of its own for each test, removed afterwards.
func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradus-checkpoint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// A training step that uses everything a checkpoint must restore: the data generator, the
/// schedule's step, the optimizer's state and the model's buffer.
func trainingStep(_ model: TinyRegressor, _ optimizer: some Optimizer<Float>, step: Int, data generator: inout PhiloxGenerator) {
    optimizer.applySchedule(WarmupCosineSchedule(warmupSteps: 2, totalSteps: 8, minimum: 1e-3), at: step)
    let input = Tensor<Float>.normal([16, 4], mean: 0, standardDeviation: 1, using: &generator)
    let target = input.sum(alongAxes: [1], keepingDimensions: true).sin()
    let difference = model(Variable(input)) - Variable(target)
    let gradients = (difference * difference).mean().backward()
    optimizer.update(along: gradients.clippedByGlobalNorm(1, of: model.parameters).gradients)
    model.seenBatches.value = Tensor(model.seenBatches.value.scalar + 1)
}

@Suite struct CheckpointTests {
    @Test func pythonWrittenFileLoadsWithIdenticalValues() throws {
        let url = try #require(Bundle.module.url(forResource: "python_checkpoint", withExtension: "safetensors", subdirectory: "Fixtures"))
        let fixture = try Fixture("checkpoint_interop", bundle: .module)
        let checkpoint = try Checkpoint(contentsOf: url)
        var generator = PhiloxGenerator(seed: 0)
        let model = Sequential<Float>([Linear(inputFeatures: 3, outputFeatures: 2, using: &generator),
                                       Linear(inputFeatures: 2, outputFeatures: 1, bias: false, using: &generator)])
        #expect(throws: CheckpointError(path: url.path, problem: .unexpected(key: "extra.counts"))) { try checkpoint.restore(model) }
        let report = try checkpoint.restore(model, strict: false)
        #expect(report == CheckpointRestoreReport(missingKeys: [], unexpectedKeys: ["extra.counts", "extra.table"]))
        for (name, parameter) in model.namedParameters() {
            #expect(parameter.value == fixture.tensor(name, as: Float.self), "\(name)")
        }
        #expect(checkpoint.file.tensors["extra.table"]?.float64 == fixture.tensor("extra.table", as: Double.self))
        #expect(checkpoint.file.tensors["extra.counts"]?.int64 == Tensor<Int>([3, -1, 1 << 40]))
        #expect(checkpoint.metadata.seed == 7)
        #expect(checkpoint.metadata.extra == ["framework": "numpy"])
    }

    @Test func everythingSavedIsRestored() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("run.safetensors")
            let model = TinyRegressor(seed: 1)
            let optimizer = Adam(namedParameters: model.namedParameters(), learningRate: 0.01, amsgrad: true)
            var data = PhiloxGenerator(seed: 9)
            for step in 0..<3 { trainingStep(model, optimizer, step: step, data: &data) }
            _ = data.nextWord()  // a generator in the middle of a block
            let metadata = CheckpointMetadata(seed: 9, threadCount: 2, gitRevision: "abc123", extra: ["recipe": "tiny"])
            try Checkpoint(model: model, optimizer: optimizer, scheduleStep: 3, generators: ["data": data], metadata: metadata)
                .write(to: url)

            let checkpoint = try Checkpoint(contentsOf: url)
            let restored = TinyRegressor(seed: 2)
            let restoredOptimizer = Adam(namedParameters: restored.namedParameters(), learningRate: 0.5)
            try checkpoint.restore(restored)
            try checkpoint.restore(restoredOptimizer)
            for ((name, original), (_, copy)) in zip(model.namedParameters(), restored.namedParameters()) {
                #expect(copy.value == original.value, "\(name)")
                #expect(restoredOptimizer.state.slots(for: copy) == optimizer.state.slots(for: original), "\(name)")
            }
            #expect(restored.seenBatches.value == Tensor(3))
            #expect(restoredOptimizer.step == 3 && restoredOptimizer.amsgrad)
            #expect(restoredOptimizer.parameterGroups[0].learningRate == optimizer.parameterGroups[0].learningRate)
            #expect(restoredOptimizer.parameterGroups[0].initialLearningRate == 0.01)
            #expect(try checkpoint.scheduleStep() == 3)
            #expect(checkpoint.generatorNames == ["data"])
            #expect(try checkpoint.generator(named: "data") == data)
            #expect(checkpoint.metadata == metadata)
            #expect(checkpoint.file.metadata["thread_count"] == "2")
            #expect(checkpoint.file.metadata["blas_configuration"] == ThreadBudget.blasConfiguration)
            #expect(checkpoint.file.tensors["optimizer.state.hidden.weight.max_exp_avg_sq"]?.shape == [8, 4])
        }
    }

    @Test func mismatchedEntriesAreNamed() throws {
        let saved = TinyRegressor(seed: 1)
        let checkpoint = Checkpoint(model: saved, optimizer: SGD(namedParameters: saved.namedParameters(), learningRate: 0.1, momentum: 0.9))
        // A model with a different layer width: the shape mismatch names the entry and both shapes.
        final class Wider: Layer, @unchecked Sendable {
            typealias Scalar = Float
            var isTraining = true
            let hidden: Linear<Float>
            init() {
                var generator = PhiloxGenerator(seed: 0)
                hidden = Linear(inputFeatures: 5, outputFeatures: 8, using: &generator)
            }
            func forward(_ input: Variable<Float>) -> Variable<Float> { hidden(input) }
        }
        let wider = Wider()
        let before = wider.hidden.bias!.value
        #expect(throws: CheckpointError(path: "checkpoint", problem: .shapeMismatch(key: "hidden.weight", expected: [8, 5], found: [8, 4]))) {
            try checkpoint.restore(wider, strict: false)
        }
        #expect(wider.hidden.bias!.value == before, "nothing is copied when an entry does not fit")

        // Strict: the model's extra entry is missing; the checkpoint's extra entries are unexpected.
        let partial = Sequential<Float>([])
        #expect(throws: CheckpointError(path: "checkpoint", problem: .unexpected(key: "hidden.bias"))) { try checkpoint.restore(partial) }
        #expect(try checkpoint.restore(partial, strict: false).unexpectedKeys.count == 5)
        var withoutBias = checkpoint
        withoutBias.file.tensors["output.bias"] = nil
        let target = TinyRegressor(seed: 3)
        #expect(throws: CheckpointError(path: "checkpoint", problem: .missing(key: "output.bias"))) { try withoutBias.restore(target) }
        let outputBias = target.output.bias!.value
        #expect(try withoutBias.restore(target, strict: false).missingKeys == ["output.bias"])
        #expect(target.output.bias!.value == outputBias && target.hidden.weight.value == saved.hidden.weight.value)

        // A Double model cannot take Float entries.
        final class DoubleRegressor: Layer, @unchecked Sendable {
            typealias Scalar = Double
            var isTraining = true
            let output = Parameter(Tensor<Double>.zeros([1]))
            func forward(_ input: Variable<Double>) -> Variable<Double> { input + output.variable }
        }
        var renamed = checkpoint
        renamed.file.tensors = ["output": checkpoint.file.tensors["output.bias"]!]
        #expect(throws: CheckpointError(path: "checkpoint", problem: .dataTypeMismatch(key: "output", expected: .float64, found: .float32))) {
            try renamed.restore(DoubleRegressor())
        }

        // An SGD state does not fit Adam; an optimizer over other parameters finds unexpected state.
        let adam = Adam(namedParameters: target.namedParameters())
        #expect(throws: CheckpointError(path: "checkpoint", problem: .missing(key: "optimizer.hyperparameters.amsgrad"))) { try checkpoint.restore(adam) }
        #expect(adam.step == 0)
        let numbered = SGD(parameters: target.parameters, learningRate: 0.1, momentum: 0.9)
        let sgd = SGD(namedParameters: saved.namedParameters(), learningRate: 0.1, momentum: 0.9)
        trainingStepWithoutSchedule(saved, sgd)
        let stepped = Checkpoint(model: saved, optimizer: sgd)
        #expect(throws: CheckpointError(path: "checkpoint", problem: .unexpected(key: "optimizer.state.hidden.bias.momentum_buffer"))) {
            try stepped.restore(numbered)
        }
        let description = CheckpointError(path: "/runs/a.safetensors", problem: .missing(key: "fc.weight")).description
        #expect(description.contains("/runs/a.safetensors") && description.contains("'fc.weight'") && description.contains("strict: false"))
    }

    @Test func filesThatAreNotCheckpointsAreRejected() throws {
        try withTemporaryDirectory { directory in
            let junk = directory.appendingPathComponent("notes.safetensors")
            try Data("these are plain notes, not tensors".utf8).write(to: junk)
            #expect { try Checkpoint(contentsOf: junk) } throws: { error in
                let error = error as? TensorFileError
                return error?.path == junk.path && error!.problem.contains("not a safetensors file")
            }
            let good = directory.appendingPathComponent("good.safetensors")
            try Checkpoint(model: TinyRegressor(seed: 1)).write(to: good)
            let bytes = try Data(contentsOf: good)
            let truncated = directory.appendingPathComponent("truncated.safetensors")
            try bytes.prefix(bytes.count - 10).write(to: truncated)
            #expect { try Checkpoint(contentsOf: truncated) } throws: { error in
                let error = error as? TensorFileError
                return error?.path == truncated.path && error!.problem.contains("outside the")
            }
            #expect(throws: TensorFileError.self) { try Checkpoint(contentsOf: directory.appendingPathComponent("absent.safetensors")) }
        }
    }

    @Test func writingReplacesTheFileInOneStep() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("latest.safetensors")
            let model = TinyRegressor(seed: 1)
            try Checkpoint(model: model, scheduleStep: 1).write(to: url)
            try Checkpoint(model: model, scheduleStep: 2).write(to: url)
            #expect(try Checkpoint(contentsOf: url).scheduleStep() == 2)
            // A write that cannot finish throws and leaves the old file and no partial file.
            let blocked = directory.appendingPathComponent("missing-folder/latest.safetensors")
            #expect(throws: TensorFileError.self) { try Checkpoint(model: model).write(to: blocked) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["latest.safetensors"])
        }
    }

    /// Training 8 steps equals training 4, saving, and resuming in fresh objects for 4 more, bit
    /// for bit, with one thread and with two. The cases run one after another: the thread budget
    /// is process-wide.
    @Test(.serialized, arguments: [1, 2], ["sgd", "adamw"])
    func resumingEqualsNeverStopping(threads: Int, optimizerName: String) throws {
        let saved = ThreadBudget.count
        ThreadBudget.count = threads
        defer { ThreadBudget.count = saved }
        func makeOptimizer(_ model: TinyRegressor) -> any Optimizer<Float> {
            optimizerName == "sgd"
                ? SGD(namedParameters: model.namedParameters(), learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4)
                : AdamW(namedParameters: model.namedParameters(), learningRate: 0.01)
        }
        let uninterrupted = TinyRegressor(seed: 1)
        let uninterruptedOptimizer = makeOptimizer(uninterrupted)
        var data = PhiloxGenerator(seed: 4)
        for step in 0..<8 { trainingStep(uninterrupted, uninterruptedOptimizer, step: step, data: &data) }

        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("half.safetensors")
            do {
                let model = TinyRegressor(seed: 1)
                let optimizer = makeOptimizer(model)
                var data = PhiloxGenerator(seed: 4)
                for step in 0..<4 { trainingStep(model, optimizer, step: step, data: &data) }
                try Checkpoint(model: model, optimizer: optimizer, scheduleStep: 4, generators: ["data": data],
                               metadata: CheckpointMetadata(seed: 4)).write(to: url)
            }
            let checkpoint = try Checkpoint(contentsOf: url)
            let model = TinyRegressor(seed: 99)
            let optimizer = makeOptimizer(model)
            try checkpoint.restore(model)
            try checkpoint.restore(optimizer)
            var data = try checkpoint.generator(named: "data")
            let start = try #require(try checkpoint.scheduleStep())
            for step in start..<8 { trainingStep(model, optimizer, step: step, data: &data) }
            for ((name, resumed), (_, reference)) in zip(model.namedParameters(), uninterrupted.namedParameters()) {
                #expect(resumed.value == reference.value, "\(name) after resuming with \(threads) threads")
            }
            #expect(model.seenBatches.value == Tensor(8))
            #expect(optimizer.step == 8)
        }
    }
}

/// One plain SGD step on a fixed batch, to give an optimizer some state.
func trainingStepWithoutSchedule(_ model: TinyRegressor, _ optimizer: some Optimizer<Float>) {
    optimizer.update(along: model(Variable(Tensor<Float>.ones([2, 4]))).sum().backward())
}
