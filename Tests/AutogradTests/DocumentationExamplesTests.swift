import Foundation
import Testing
import Autograd

// The code of the articles in `Sources/Autograd/Autograd.docc`, as they show it, with the values
// their comments state checked. Change an article and its test together.

/// `GettingStarted.md`: a model declared as a class of layers.
final class TwoLayerNetwork: Layer, @unchecked Sendable {
    typealias Scalar = Float
    var isTraining = true
    let hidden: Linear<Float>
    let output: Linear<Float>

    init(using generator: inout PhiloxGenerator) {
        hidden = Linear(inputFeatures: 4, outputFeatures: 8, using: &generator)
        output = Linear(inputFeatures: 8, outputFeatures: 3, using: &generator)
    }

    func forward(_ input: Variable<Float>) -> Variable<Float> {
        output(hidden(input).relu())  // [N, 4] → [N, 8] → [N, 3]
    }
}

/// `WritingACustomOperation.md`: softsign, declared by its forward value and its VJP.
/// Softsign: `x / (1 + |x|)`, a smooth step between −1 and 1.
func softsign<Scalar>(_ x: Variable<Scalar>) -> Variable<Scalar> {
    let denominator = x.value.abs() + 1
    return differentiableOperation("softsign", inputs: [x], value: x.value / denominator) { gradient in
        [gradient / (x.abs() + 1).square()]
    }
}

@Suite struct AutogradDocumentationExamplesTests {
    @Test func gettingStarted() {
        let x = Variable(Tensor<Double>([1, 2, 3]), requiresGradient: true)
        let y = (x * x).sum()                 // 14
        let gradients = y.backward()
        print(gradients[x]!.scalars)          // [2.0, 4.0, 6.0]: d(Σx²)/dx = 2x
        #expect(y.value.scalar == 14)
        #expect(gradients[x]!.scalars == [2, 4, 6])

        let constant = withoutGradients { x * 2 }
        print(constant.requiresGradient)      // false
        #expect(!constant.requiresGradient)

        var generator = PhiloxGenerator(seed: 0)
        let model = TwoLayerNetwork(using: &generator)
        print(model.namedParameters().map(\.name))  // ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]
        print(model.parameterCount)                 // 67 = 4·8 + 8 + 8·3 + 3
        let logits = model(Variable(Tensor<Float>.ones([2, 4])))  // [2, 3]
        #expect(model.namedParameters().map(\.name) == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"])
        #expect(model.parameterCount == 67)
        #expect(logits.shape == [2, 3])

        let stack = Sequential<Float>([Linear(inputFeatures: 4, outputFeatures: 8, using: &generator), ReLU(),
                                       Linear(inputFeatures: 8, outputFeatures: 3, using: &generator)])
        print(stack.namedParameters().map(\.name))  // ["0.weight", "0.bias", "2.weight", "2.bias"]
        #expect(stack.namedParameters().map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
    }

    @Test func trainingLoop() throws {
        var generator = PhiloxGenerator(seed: 0)
        // 512 points in [−1, 1)⁴, labeled by which of the first three coordinates is largest.
        let features = Tensor<Float>.uniform([512, 4], low: -1, high: 1, using: &generator)
        let labels = features.sliced(axis: 1, from: 0, to: 3).argmax(alongAxis: 1)  // [512]
        let dataset = TensorDataset(features: features, labels: labels)
        let loader = DataLoader(dataset, batchSize: 32, shuffle: true, seed: 0)
        #expect(labels.shape == [512] && loader.batchCount == 16)

        let model = TwoLayerNetwork(using: &generator)
        let optimizer = SGD(namedParameters: model.namedParameters(), learningRate: 0.1, momentum: 0.9)
        let epochs = 10
        let schedule = CosineAnnealingSchedule(totalSteps: epochs * loader.batchCount)

        var losses: [Float] = []  // not in the article: to check that the loss falls
        var step = 0
        for epoch in 0..<epochs {
            model.train()
            for batch in loader.epoch(epoch) {
                optimizer.applySchedule(schedule, at: step)
                let loss = crossEntropy(logits: model(Variable(batch.features)), labels: batch.labels)
                losses.append(loss.value.scalar)
                optimizer.update(along: loss.backward())
                step += 1
            }
        }
        let firstEpochLoss: Float = losses.prefix(16).reduce(0, +)
        let lastEpochLoss: Float = losses.suffix(16).reduce(0, +)
        #expect(lastEpochLoss < firstEpochLoss / 2)

        var accuracy = Accuracy()
        evaluate(model, on: loader) { batch in
            accuracy.add(logits: model(Variable(batch.features)).value, labels: batch.labels)
        }
        print(accuracy.value)  // above 0.9 (chance: 1/3)
        #expect(accuracy.value > 0.9, "accuracy \(accuracy.value)")

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("two-layer-network.safetensors")
        try Checkpoint(model: model, optimizer: optimizer, scheduleStep: step,
                       generators: ["model": generator], metadata: CheckpointMetadata(seed: 0))
            .write(to: url)

        let savedGenerator = generator  // not in the article: to check the restored stream
        let checkpoint = try Checkpoint(contentsOf: url)
        let resumed = TwoLayerNetwork(using: &generator)  // any weights: restoring replaces them
        let report = try checkpoint.restore(resumed)      // throws on a missing or mismatched entry
        let resumedOptimizer = SGD(namedParameters: resumed.namedParameters(), learningRate: 0.1, momentum: 0.9)
        try checkpoint.restore(resumedOptimizer)
        generator = try checkpoint.generator(named: "model")  // the stream where the run left it
        print(try checkpoint.scheduleStep()!)             // 160: 10 epochs of 16 batches
        #expect(report.missingKeys.isEmpty && report.unexpectedKeys.isEmpty)
        #expect(try checkpoint.scheduleStep() == 160)
        #expect(generator == savedGenerator)
        for (original, restored) in zip(model.parameters, resumed.parameters) {
            #expect(original.value == restored.value)
        }
        #expect(resumedOptimizer.step == optimizer.step)
        try? FileManager.default.removeItem(at: url)
    }

    @Test func writingACustomOperation() {
        let report = checkGradients(at: [Tensor<Double>([-1.5, -0.3, 0.4, 2])]) { softsign($0[0]) }
        print(report.passed)            // true
        #expect(report.passed, "\(report)")

        // The derivative-index line and the gradient case the article shows, in the types they
        // take in `DerivativeIndex.swift` and `GradientCases.swift`.
        let entry: (operation: String, formula: String) = ("softsign", "x / (1 + |x|): g / (1 + |x|)²")
        let cases = [
            GradientCase(name: "softsign", inputs: [awayFromZero([2, 3])]) { softsign($0[0]) },
        ]
        for testCase in cases {
            let check = checkGradients(at: testCase.inputs, of: testCase.function)
            #expect(check.passed, "\(testCase.name): \(check)")
            let output = testCase.function(testCase.inputs.map { Variable($0, requiresGradient: true) })
            #expect(GraphDump(output).entries.map(\.operation).contains(entry.operation))
        }

        // Differentiable twice: the VJP is written with operations on variables.
        let x = Variable(Tensor<Double>([0.5]), requiresGradient: true)
        let first = softsign(x).sum().backward(createGraph: true).variable(for: x)!  // 1/(1 + x)² = 4/9
        let second = first.sum().backward()[x]!                                         // −2/(1 + x)³ = −16/27
        #expect(abs(first.value.scalars[0] - 4.0 / 9) < 1e-12)
        #expect(abs(second.scalars[0] + 16.0 / 27) < 1e-12)
    }
}
