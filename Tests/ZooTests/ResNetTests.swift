import Testing
import Autograd
import Zoo
import _TestSupport

@Suite struct ResNetTests {
    /// Each factory's model beside the reference it must equal.
    static let cifarCases: [(reference: String, depth: Int, shortcut: ResNetShortcut, residual: Bool)] = [
        ("resnet20_A", 20, .identityPadding, true), ("resnet20_B", 20, .projection, true), ("plain20", 20, .identityPadding, false),
        ("resnet32_A", 32, .identityPadding, true), ("resnet44_A", 44, .identityPadding, true),
        ("resnet56_A", 56, .identityPadding, true), ("resnet56_B", 56, .projection, true), ("resnet110_A", 110, .identityPadding, true),
    ]

    @Test func cifarParameterCountsEqualThePyTorchDefinitions() throws {
        let references = try modelReferences()
        var generator = PhiloxGenerator(seed: 0)
        for (name, depth, shortcut, residual) in Self.cifarCases {
            let model = ResNet<Float>.cifar(depth: depth, shortcut: shortcut, classCount: 10, residual: residual, using: &generator)
            let reference = try #require(references[name])
            #expect(model.parameterCount == reference.parameterCount, "\(name)")
        }
        // The paper's round numbers, and the exact ones the issue names.
        #expect(ResNet<Float>.cifar(depth: 20, using: &generator).parameterCount == 269_722)
        #expect(ResNet<Float>.cifar(depth: 56, using: &generator).parameterCount == 853_018)
    }

    // The two large models are built once: drawing 37M weights takes seconds in a debug build.
    static let resnet18CIFAR: ResNet<Float> = {
        var generator = PhiloxGenerator(seed: 18)
        return .imageNet(depth: 18, classCount: 10, cifarStem: true, using: &generator)
    }()
    static let resnet50: ResNet<Float> = {
        var generator = PhiloxGenerator(seed: 50)
        return .imageNet(depth: 50, using: &generator)
    }()

    @Test func imageNetParameterCountsEqualTorchvision() throws {
        let references = try modelReferences()
        #expect(Self.resnet18CIFAR.parameterCount == 11_173_962)
        #expect(Self.resnet18CIFAR.parameterCount == references["resnet18_cifar_stem"]?.parameterCount)
        #expect(Self.resnet50.parameterCount == 25_557_032)
        #expect(Self.resnet50.parameterCount == references["resnet50"]?.parameterCount)
    }

    @Test func namesAndShapesEqualTorchvisionStateDictionaries() throws {
        let references = try modelReferences()
        var generator = PhiloxGenerator(seed: 0)
        let models: [(String, ResNet<Float>)] = [
            ("resnet18_cifar_stem", Self.resnet18CIFAR),
            ("resnet50", Self.resnet50),
            ("resnet20_A", .cifar(depth: 20, using: &generator)),
            ("resnet20_B", .cifar(depth: 20, shortcut: .projection, using: &generator)),
            ("plain20", .cifar(depth: 20, residual: false, using: &generator)),
        ]
        for (name, model) in models {
            let reference = try #require(references[name])
            #expect(model.parameterShapes == reference.parameters, "\(name) parameters")
            #expect(model.bufferShapes == reference.buffers, "\(name) buffers")
        }
        // The CIFAR stem changes shapes only: the keys are torchvision's resnet18's.
        let resnet18 = try #require(references["resnet18"])
        #expect(Self.resnet18CIFAR.namedParameters().map(\.name) == resnet18.parameters?.map(\.name))
        #expect(Self.resnet18CIFAR.namedBuffers().map(\.name) == resnet18.buffers?.map(\.name))
    }

    @Test func optionAShortcutSubsamplesAndPadsWithZeroChannels() {
        let shortcut = PaddedIdentityShortcut<Float>(inputChannels: 2, outputChannels: 4, stride: 2)
        let input = Tensor<Float>(shape: [1, 2, 3, 3], scalars: (0..<18).map { Float($0) })
        let output = shortcut(Variable(input)).value
        #expect(output.shape == [1, 4, 2, 2])
        // Channel 0 and 3 are the padding; 1 and 2 are the input's pixels (0,0) (0,2) (2,0) (2,2).
        #expect(output.scalars == [0, 0, 0, 0, 0, 2, 6, 8, 9, 11, 15, 17, 0, 0, 0, 0])
        #expect(shortcut.parameterCount == 0)
    }

    @Test func convolutionsStartFromKaimingNormalFanOut() {
        var generator = PhiloxGenerator(seed: 2)
        let model = ResNet<Float>.cifar(depth: 20, using: &generator)
        let weight = model.namedParameters().first { $0.name == "layer3.1.conv2.weight" }!.parameter.value
        let values = weight.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        // gain √2 over √(fanOut = 64·3·3); 36,864 draws put the estimate within 2 %.
        let expected = (2.0 / (64 * 9)).squareRoot()
        #expect(Swift.abs(deviation - expected) < 0.02 * expected && Swift.abs(mean) < 0.02 * expected)
        #expect(model.namedParameters().filter { $0.name.hasSuffix("bn1.weight") }.allSatisfy { $0.parameter.value.scalars.allSatisfy { $0 == 1 } })
    }

    @Test func zeroInitializedResidualsStartEveryBlockAtTheIdentity() {
        var generator = PhiloxGenerator(seed: 3)
        let model = ResNet<Float>.cifar(depth: 20, shortcut: .projection, zeroInitializedResiduals: true, using: &generator)
        let lastGammas = model.namedParameters().filter { $0.name.hasPrefix("layer") && $0.name.hasSuffix("bn2.weight") }
        #expect(lastGammas.count == 9 && lastGammas.allSatisfy { $0.parameter.value.scalars.allSatisfy { $0 == 0 } })
        let block = model.layer1[1]
        let input = Tensor<Float>.normal([2, 16, 4, 4], using: &generator).relu()
        assertClose(block(Variable(input)).value, input, absolute: 0)
        let bottlenecks = ResNet<Float>(block: .bottleneck, stageDepths: [2, 1], stageWidths: [4, 8], stem: .cifar,
                                        classCount: 2, zeroInitializedResiduals: true, using: &generator)
        let bottleneckGammas = bottlenecks.namedParameters().filter { $0.name.hasSuffix("bn3.weight") }
        #expect(bottleneckGammas.map(\.name) == ["layer1.0.bn3.weight", "layer1.1.bn3.weight", "layer2.0.bn3.weight"])
        #expect(bottleneckGammas.allSatisfy { $0.parameter.value.scalars.allSatisfy { $0 == 0 } })
        #expect(bottlenecks.featureCount == 32)
    }

    @Test func batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEvaluation() {
        var generator = PhiloxGenerator(seed: 4)
        let model = ResNet<Float>.cifar(depth: 20, using: &generator)
        let batch = Tensor<Float>.normal([4, 3, 8, 8], using: &generator)
        let first = batch.sliced(axis: 0, from: 0, to: 1)
        let other = Tensor.concatenating([first, Tensor<Float>.normal([3, 3, 8, 8], mean: 2, using: &generator)], alongAxis: 0)
        // Training: a sample's output depends on the rest of its batch, and the running statistics move.
        let trained = model(Variable(batch)).value.sliced(axis: 0, from: 0, to: 1)
        let trainedElsewhere = model(Variable(other)).value.sliced(axis: 0, from: 0, to: 1)
        #expect(trained.scalars != trainedElsewhere.scalars)
        #expect(model.bn1.trackedBatchCount.value.scalar == 2)
        #expect(model.bn1.runningMean.value.scalars.contains { $0 != 0 })
        // Evaluation: each sample on its own, the same alone or in any batch; nothing is updated.
        model.eval()
        let runningMean = model.bn1.runningMean.value
        let alone = model(Variable(first)).value
        assertClose(model(Variable(batch)).value.sliced(axis: 0, from: 0, to: 1), alone, absolute: 1e-5)
        assertClose(model(Variable(other)).value.sliced(axis: 0, from: 0, to: 1), alone, absolute: 1e-5)
        #expect(model.bn1.trackedBatchCount.value.scalar == 2)
        #expect(model.bn1.runningMean.value.scalars == runningMean.scalars)
    }

    @Test func lossFallsOnATinyFixedBatch() {
        var generator = PhiloxGenerator(seed: 5)
        let model = ResNet<Float>.cifar(depth: 20, using: &generator)
        let images = Variable(Tensor<Float>.normal([8, 3, 16, 16], using: &generator))
        let labels = Tensor<Int>(shape: [8], scalars: [0, 1, 2, 3, 4, 5, 6, 7])
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
        var losses: [Float] = []
        for _ in 0..<10 {
            let loss = crossEntropy(logits: model(images), labels: labels)
            losses.append(loss.value.scalar)
            optimizer.update(along: loss.backward())
        }
        // ln 10 ≈ 2.3 at the start; ten steps on eight samples take it well below.
        #expect(losses[0] > 1.5 && losses[9] < 0.5 * losses[0], "\(losses)")
    }

    @Test func outputsEqualPyTorchsWithTheSameWeights() throws {
        let fixture = try Fixture("model_outputs", bundle: .module)
        var generator = PhiloxGenerator(seed: 6)
        let model = ResNet<Double>(block: .basic, stageDepths: [1, 1, 1], stageWidths: [4, 8, 16], stem: .cifar,
                                   shortcut: .identityPadding, classCount: 3, using: &generator)
        loadWeights(model, prefix: "resnet", from: fixture)
        let images = Variable(fixture.tensor("resnet.input", as: Double.self))
        model.eval()
        assertClose(model(images).value, fixture.tensor("resnet.eval_output"), absolute: 1e-10)
        model.train()
        assertClose(model(images).value, fixture.tensor("resnet.train_output"), absolute: 1e-10)
        let block = try #require(model.layer3[0] as? BasicBlock<Double>)
        assertClose(block.bn2.runningMean.value, fixture.tensor("resnet.updated.layer3.0.bn2.running_mean"), absolute: 1e-12)
    }
}
