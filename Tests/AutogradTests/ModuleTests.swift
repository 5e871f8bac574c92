import Testing
import Autograd
import _TestSupport

/// A small model shaped like a ResNet stage, to check names against PyTorch's.
final class Block: Layer, @unchecked Sendable {
    typealias Scalar = Double
    var isTraining = true
    let conv1: Linear<Double>
    let runningMean = Buffer(Tensor<Double>.zeros([3]))
    let downsample: Linear<Double>?
    init(using generator: inout PhiloxGenerator, downsample: Bool) {
        conv1 = Linear(inputFeatures: 3, outputFeatures: 3, using: &generator)
        self.downsample = downsample ? Linear(inputFeatures: 3, outputFeatures: 3, bias: false, using: &generator) : nil
    }
    func forward(_ input: Variable<Double>) -> Variable<Double> { conv1(input).relu() + (downsample?(input) ?? input) }
}

final class Network: Layer, @unchecked Sendable {
    typealias Scalar = Double
    var isTraining = true
    let layer1: [Block]
    let classifierHead: Linear<Double>
    static var keyOverrides: [String: String] { ["classifierHead": "fc"] }
    init(using generator: inout PhiloxGenerator) {
        layer1 = [Block(using: &generator, downsample: true), Block(using: &generator, downsample: false)]
        classifierHead = Linear(inputFeatures: 3, outputFeatures: 2, using: &generator)
    }
    func forward(_ input: Variable<Double>) -> Variable<Double> {
        classifierHead(layer1.reduce(input) { $1($0) })
    }
}

@Suite struct ModuleTests {
    @Test func parameterNamesFollowPyTorch() {
        var generator = PhiloxGenerator(seed: 0)
        let network = Network(using: &generator)
        #expect(network.namedParameters().map(\.name) == [
            "layer1.0.conv1.weight", "layer1.0.conv1.bias", "layer1.0.downsample.weight",
            "layer1.1.conv1.weight", "layer1.1.conv1.bias", "fc.weight", "fc.bias",
        ])
        #expect(network.namedBuffers().map(\.name) == ["layer1.0.running_mean", "layer1.1.running_mean"])
        #expect(network.parameterCount == (9 + 3 + 9) + (9 + 3) + (6 + 2))
    }

    @Test func sequentialKeysAreIndices() {
        var generator = PhiloxGenerator(seed: 0)
        let model = Sequential<Float>([Linear(inputFeatures: 4, outputFeatures: 3, using: &generator),
                                       Linear(inputFeatures: 3, outputFeatures: 2, bias: false, using: &generator)])
        #expect(model.namedParameters().map(\.name) == ["0.weight", "0.bias", "1.weight"])
        #expect(model.parameterCount == 4 * 3 + 3 + 3 * 2)
    }

    @Test func trainEvalAndFreezeReachTheWholeTree() {
        var generator = PhiloxGenerator(seed: 0)
        let network = Network(using: &generator)
        network.eval()
        #expect(network.namedModules().allSatisfy { !$0.module.isTraining })
        network.train()
        #expect(network.layer1[1].conv1.isTraining)
        network.layer1[0].freeze()
        #expect(network.trainableParameterCount == network.parameterCount - (9 + 3 + 9))
        let gradients = network(Variable(Tensor<Double>.ones([2, 3]))).sum().backward()
        #expect(gradients[network.layer1[0].conv1.weight] == nil)
        #expect(gradients[network.classifierHead.weight] != nil)
    }

    @Test func linearMatchesItsFormulaAndItsGradients() {
        var generator = PhiloxGenerator(seed: 3)
        let layer = Linear<Double>(inputFeatures: 3, outputFeatures: 2, using: &generator)
        // PyTorch's default initialization bound: 1/√3.
        #expect(layer.weight.value.scalars.allSatisfy { Swift.abs($0) <= 1 / 3.0.squareRoot() })
        let x = Tensor<Double>(shape: [4, 3], scalars: (0..<12).map { Double($0) / 10 })
        let output = layer(Variable(x))
        assertClose(output.value, matmul(x, layer.weight.value.transposed()) + layer.bias!.value, absolute: 1e-12)
        let report = checkGradients(at: [x, layer.weight.value, layer.bias!.value]) { inputs in
            matmul(inputs[0], inputs[1].transposed()) + inputs[2]
        }
        #expect(report.passed, "\(report)")
        let gradients = output.sum().backward()
        assertClose(gradients[layer.bias!]!, Tensor([4, 4]), absolute: 1e-12)
    }

    @Test func parametersUpdateInPlaceOnceTheGraphIsGone() {
        var generator = PhiloxGenerator(seed: 3)
        let layer = Linear<Float>(inputFeatures: 3, outputFeatures: 2, using: &generator)
        let gradient: Tensor<Float> = {
            let loss = layer(Variable(Tensor<Float>.ones([1, 3]))).sum()
            return loss.backward()[layer.weight]!
        }()
        // Compare addresses: holding the storage itself would make it shared.
        let addressBefore = layer.weight.value.storage.base
        layer.weight.value -= gradient * 0.1
        #expect(layer.weight.value.storage.base == addressBefore)
    }

    @Test func summaryListsLayersShapesAndCounts() {
        var generator = PhiloxGenerator(seed: 0)
        let model = Sequential<Float>([Linear(inputFeatures: 4, outputFeatures: 3, using: &generator),
                                       Linear(inputFeatures: 3, outputFeatures: 2, using: &generator)])
        let text = model.summary(input: Tensor.zeros([5, 4]))
        #expect(text.contains("0        Linear      [5, 3]        15"))
        #expect(text.contains("1        Linear      [5, 2]        8"))
        #expect(text.contains("total parameters: 23 (23 trainable)"))
    }
}
