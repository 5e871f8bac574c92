import Foundation
import Testing
import Zoo

// The code of the articles in `Sources/Zoo/Zoo.docc`, as they show it, with the values their
// comments state checked. Change an article and its test together.

// MARK: - AddingAModel.md: the model file

/// LeNet-5: two convolution and pooling stages, then three fully connected layers.
///
/// ```
/// image [N, 1, 32, 32] ─ conv 5×5, 6 ─ tanh ─ avg-pool 2 ─ conv 5×5, 16 ─ tanh ─ avg-pool 2
///   ─ flatten ─ fc 120 ─ tanh ─ fc 84 ─ tanh ─ fc classes ─ logits [N, classes]
/// ```
///
/// LeCun et al., *Gradient-based learning applied to document recognition*, Proc. IEEE 1998.
public struct LeNetConfiguration: Sendable, Equatable {
    /// The image channels (1 for MNIST).
    public var inputChannels = 1
    /// The number of classes, the width of the output.
    public var classCount = 10

    /// The paper's network for 32×32 grayscale digits: 61,706 parameters.
    public static let paper = LeNetConfiguration()
}

/// LeNet-5 on 32×32 images; parameters are named as in the usual PyTorch version
/// (`conv1`, `conv2`, `fc1`, `fc2`, `fc3`).
public final class LeNet<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The sizes this model was built with.
    public let configuration: LeNetConfiguration
    public let conv1: Conv2d<Scalar>
    public let conv2: Conv2d<Scalar>
    public let fc1: Linear<Scalar>
    public let fc2: Linear<Scalar>
    public let fc3: Linear<Scalar>
    let pool = AvgPool2d<Scalar>(kernelSize: 2)

    /// A LeNet of `configuration`'s sizes, initialized from `generator`.
    public init(_ configuration: LeNetConfiguration, using generator: inout PhiloxGenerator) {
        self.configuration = configuration
        conv1 = Conv2d(inputChannels: configuration.inputChannels, outputChannels: 6, kernelSize: 5, using: &generator)
        conv2 = Conv2d(inputChannels: 6, outputChannels: 16, kernelSize: 5, using: &generator)
        fc1 = Linear(inputFeatures: 16 * 5 * 5, outputFeatures: 120, using: &generator)
        fc2 = Linear(inputFeatures: 120, outputFeatures: 84, using: &generator)
        fc3 = Linear(inputFeatures: 84, outputFeatures: configuration.classCount, using: &generator)
    }

    /// Logits `[N, classCount]` for images `[N, C, 32, 32]`.
    public func forward(_ images: Variable<Scalar>) -> Variable<Scalar> {
        precondition(images.rank == 4 && Array(images.shape[1...]) == [configuration.inputChannels, 32, 32],
                     "LeNet: images \(images.shape) are not [N, \(configuration.inputChannels), 32, 32]")
        var x = pool(conv1(images).tanh())  // [N, 6, 14, 14]
        x = pool(conv2(x).tanh())           // [N, 16, 5, 5]
        x = x.flattened(from: 1)            // [N, 400]
        x = fc2(fc1(x).tanh()).tanh()       // [N, 84]
        return fc3(x)                       // [N, classCount]
    }
}

// MARK: - AddingAModel.md: the registry entry

extension ModelRegistry {
    /// LeNet-5 for 32×32 images (LeCun et al., 1998).
    public static let convolutionalEntries: [ModelEntry] = [
        ModelEntry(name: "lenet5", summary: "LeNet-5 for 32×32 images (LeCun et al., 1998)", incompatibility: { input in
            input.sampleShape[1] == 32 && input.sampleShape[2] == 32 ? nil : "LeNet-5 takes 32×32 images; use a -32 dataset"
        }) { input, generator in
            LeNet<Float>(LeNetConfiguration(inputChannels: input.channelCount, classCount: input.classCount), using: &generator)
        },
    ]

    /// The article's new `standard`: the library's cannot change here, so the tests below look
    /// the model up in this one.
    static let standardWithLeNet = ModelRegistry(entries: perceptronEntries + residualNetworkEntries
                                                 + visionTransformerEntries + convolutionalEntries)
}

// MARK: - The tests

@Suite struct ZooDocumentationExamplesTests {
    // AddingAModel.md: the tests, as the article shows them (with `standardWithLeNet` for `standard`).

    @Test func thePaperPresetHasTheReferenceParameterCountAndNames() {
        var generator = PhiloxGenerator(seed: 0)
        let model = LeNet<Float>(.paper, using: &generator)
        // conv1 6·(1·5·5) + 6, conv2 16·(6·5·5) + 16, fc1 400·120 + 120, fc2 120·84 + 84, fc3 84·10 + 10
        #expect(model.parameterCount == 156 + 2_416 + 48_120 + 10_164 + 850)  // 61,706
        #expect(model.namedParameters().map(\.name) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                                        "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
                                                        "fc3.weight", "fc3.bias"])
    }

    @Test func theRegistryBuildsItByNameAndRefusesOtherSizes() throws {
        var generator = PhiloxGenerator(seed: 0)
        let entry = try ModelRegistry.standardWithLeNet.model(named: "lenet5")
        let model = try entry.build(for: ModelInput(sampleShape: [1, 32, 32], classCount: 10), using: &generator)
        #expect(model(Variable(Tensor<Float>.zeros([2, 1, 32, 32]))).shape == [2, 10])
        #expect(throws: RegistryError.self) {
            try entry.build(for: ModelInput(sampleShape: [1, 28, 28], classCount: 10), using: &generator)
        }
    }

    @Test func theLossFallsOnATinyFixedBatch() {
        var generator = PhiloxGenerator(seed: 1)
        let model = LeNet<Float>(.paper, using: &generator)
        let images = Tensor<Float>.uniform([8, 1, 32, 32], low: 0, high: 1, using: &generator)
        let labels = Tensor<Int>([0, 1, 2, 3, 4, 5, 6, 7])
        let optimizer = Adam(namedParameters: model.namedParameters(), learningRate: 0.003)
        var losses: [Float] = []
        for _ in 0..<20 {
            let loss = crossEntropy(logits: model(Variable(images)), labels: labels)
            losses.append(loss.value.scalar)
            optimizer.update(along: loss.backward())
        }
        #expect(losses.last! < losses.first! / 2)
    }

    // GettingStarted.md

    @Test func gettingStartedModelsByName() throws {
        print(ModelRegistry.standard.entries.map(\.name).prefix(3))  // ["mlp", "mlp-small", "resnet8"]
        #expect(Array(ModelRegistry.standard.entries.map(\.name).prefix(3)) == ["mlp", "mlp-small", "resnet8"])

        var generator = PhiloxGenerator(seed: 0)
        let input = ModelInput(sampleShape: [1, 32, 32], classCount: 10)  // Fashion-MNIST padded to 32×32
        let resnet = try ModelRegistry.standard.model(named: "resnet20").build(for: input, using: &generator)
        print(resnet.parameterCount)  // 269434: the paper's 0.27M, with one input channel instead of three
        #expect(resnet.parameterCount == 269_434)

        let perceptron = MultilayerPerceptron<Float>(configuration: .standard(inputFeatures: 784), using: &generator)
        let vit = VisionTransformer<Float>(.microCIFAR, using: &generator)
        print(perceptron.parameterCount)  // 535818
        #expect(perceptron.parameterCount == 535_818)
        #expect(vit(Variable(Tensor<Float>.zeros([1, 3, 32, 32]))).shape == [1, 10])
    }

    @Test func gettingStartedTrainingRun() throws {
        var generator = PhiloxGenerator(seed: 0)
        // 256 4×4 "images" in 4 classes: the class is the brightest of the first four pixels.
        let images = Tensor<Float>.uniform([256, 1, 4, 4], low: 0, high: 1, using: &generator)
        let labels = images.reshaped(to: [256, 16]).sliced(axis: 1, from: 0, to: 4).argmax(alongAxis: 1)
        let data = TensorDataset(features: images, labels: labels)

        var configuration = TrainingConfiguration(model: "mlp-small", dataset: "bright-pixel")
        configuration.epochs = 20
        configuration.batchSize = 32
        configuration.optimizer = .adam
        configuration.learningRate = 0.01
        let model = try ModelRegistry.standard.model(named: "mlp-small")
            .build(for: ModelInput(sampleShape: [1, 4, 4], classCount: 4), using: &generator)
        let run = try TrainingRun(configuration: configuration, model: model,
                                  trainingData: data, testData: data, outputDirectory: nil)
        let summary = try run.train()
        print(summary.testAccuracy)  // above 0.8 (chance: 0.25)
        #expect(summary.testAccuracy > 0.8, "test accuracy \(summary.testAccuracy)")
        #expect(run.history.records.count == 20)
    }

    @Test(.enabled(if: datasetsInstalled)) func gettingStartedInstalledDatasets() throws {
        var quick = TrainingConfiguration(model: "mlp", dataset: "mnist")
        quick.epochs = 1
        quick.trainingLimit = 2_000  // images spread evenly over the training set
        quick.testLimit = 1_000
        let mnistRun = try TrainingRun(configuration: quick, outputDirectory: nil)
        let accuracy = try mnistRun.train().testAccuracy
        print(accuracy)  // well above chance (0.1) after 16 steps; more data and epochs reach 98 %
        #expect(accuracy > 0.3, "test accuracy \(accuracy)")
    }
}
