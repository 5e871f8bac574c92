import Testing
@testable import Zoo

@Suite("Multilayer perceptron")
struct MultilayerPerceptronTests {
    @Test func theStandardPresetHasPyTorchsParameterCountAndNames() {
        var generator = PhiloxGenerator(seed: 0)
        let model = MultilayerPerceptron<Float>(configuration: .standard(inputFeatures: 784), using: &generator)
        // nn.Sequential(Flatten(), Linear(784, 512), ReLU(), Linear(512, 256), ReLU(), Linear(256, 10))
        #expect(model.parameterCount == 535_818)
        #expect(model.namedParameters().map(\.name) == ["hidden.0.weight", "hidden.0.bias", "hidden.1.weight",
                                                        "hidden.1.bias", "head.weight", "head.bias"])
        let images = Tensor<Float>.uniform([3, 1, 28, 28], low: 0, high: 1, using: &generator)
        #expect(model(Variable(images)).shape == [3, 10])
    }

    @Test func theLossFallsOnATinyFixedBatch() {
        var generator = PhiloxGenerator(seed: 1)
        let model = MultilayerPerceptron<Float>(configuration: .small(inputFeatures: 16, classCount: 4), using: &generator)
        let images = Tensor<Float>.uniform([8, 1, 4, 4], low: 0, high: 1, using: &generator)
        let labels = Tensor<Int>([0, 1, 2, 3, 0, 1, 2, 3])
        let optimizer = Adam(namedParameters: model.namedParameters(), learningRate: 0.01)
        var losses: [Float] = []
        for _ in 0..<20 {
            let loss = crossEntropy(logits: model(Variable(images)), labels: labels)
            losses.append(loss.value.scalar)
            optimizer.update(along: loss.backward())
        }
        #expect(losses.last! < losses.first! / 2)
    }
}
