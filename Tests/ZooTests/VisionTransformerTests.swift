import Testing
import Autograd
import Zoo
import _TestSupport

@Suite struct VisionTransformerTests {
    /// The standard deviation of a tensor's elements.
    static func standardDeviation(_ tensor: Tensor<Float>) -> Double {
        let values = tensor.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    @Test func presetParameterCountsEqualTimm() throws {
        let references = try modelReferences()
        var generator = PhiloxGenerator(seed: 0)
        let presets: [(String, VisionTransformerConfiguration, Int)] = [
            ("vit_micro_cifar", .microCIFAR, 29_482), ("vit_tiny_cifar", .tinyCIFAR, 2_693_578),
            ("vit_mini_cifar", .miniCIFAR, 683_242),
            ("vit_tiny_patch16_224", .tinyPatch16, 5_717_416),
        ]
        for (name, configuration, count) in presets {
            let model = VisionTransformer<Float>(configuration, using: &generator)
            let reference = try #require(references[name])
            #expect(model.parameterCount == reference.parameterCount, "\(name)")
            #expect(model.parameterCount == count, "\(name)")
        }
    }

    /// ViT-S and ViT-B are counted from a one-block copy plus eleven more blocks like its one:
    /// drawing all 86M weights of ViT-B takes half a minute in a debug build.
    @Test(arguments: [("vit_small_patch16_224", VisionTransformerConfiguration.smallPatch16, 22_050_664),
                      ("vit_base_patch16_224", VisionTransformerConfiguration.basePatch16, 86_567_656)])
    func largePresetParameterCountsEqualTimm(name: String, configuration: VisionTransformerConfiguration, count: Int) throws {
        var generator = PhiloxGenerator(seed: 0)
        var oneBlock = configuration
        oneBlock.depth = 1
        let model = VisionTransformer<Float>(oneBlock, using: &generator)
        let total = model.parameterCount + (configuration.depth - 1) * model.blocks[0].parameterCount
        let reference = try #require(try modelReferences()[name])
        #expect(total == reference.parameterCount)
        #expect(total == count)
    }

    @Test func namesAndShapesEqualTimm() throws {
        let references = try modelReferences()
        var generator = PhiloxGenerator(seed: 0)
        for (name, configuration) in [("vit_micro_cifar", VisionTransformerConfiguration.microCIFAR), ("vit_tiny_patch16_224", .tinyPatch16)] {
            let model = VisionTransformer<Float>(configuration, using: &generator)
            let reference = try #require(references[name])
            #expect(model.parameterShapes == reference.parameters, "\(name)")
            #expect(model.bufferShapes == reference.buffers, "\(name)")
        }
    }

    @Test func outputShapesAndPatchOrder() {
        var generator = PhiloxGenerator(seed: 1)
        var configuration = VisionTransformerConfiguration.microCIFAR
        configuration.inputChannels = 1
        configuration.classCount = 7
        let model = VisionTransformer<Float>(configuration, using: &generator)
        let images = Variable(Tensor<Float>.normal([2, 1, 32, 32], using: &generator))
        #expect(model(images).shape == [2, 7])
        #expect(model.embed(images).shape == [2, 65, 32])
        #expect(model.encode(images).shape == [2, 65, 32])
        // Token n is the patch at row n / 8, column n % 8: the convolution's output read row-major.
        let tokens = model.patchEmbedding(images).value
        let convolved = model.patchEmbedding.projection(images).value                    // [2, 32, 8, 8]
        let expected = convolved.sliced(axis: 2, from: 2, to: 3).sliced(axis: 3, from: 5, to: 6).reshaped(to: [2, 32])
        assertClose(tokens.sliced(axis: 1, from: 2 * 8 + 5, to: 2 * 8 + 6).reshaped(to: [2, 32]), expected, absolute: 0)
        // The class token and the first position embedding make token 0 of every image.
        let embedded = model.embed(images).value.sliced(axis: 1, from: 0, to: 1)
        let classPlusPosition = model.classToken.value + model.positionEmbedding.value.sliced(axis: 1, from: 0, to: 1)
        assertClose(embedded, Tensor.concatenating([classPlusPosition, classPlusPosition], alongAxis: 0), absolute: 0)
    }

    @Test func attentionWeightsSumToOneOverTheKeys() {
        var generator = PhiloxGenerator(seed: 2)
        let model = VisionTransformer<Float>(.microCIFAR, using: &generator)
        #expect(model.attentionWeights.isEmpty)
        _ = model(Variable(Tensor<Float>.normal([3, 3, 32, 32], using: &generator)))
        let weights = model.attentionWeights
        #expect(weights.count == 2 && weights.allSatisfy { $0.shape == [3, 2, 65, 65] })
        for block in weights {
            assertClose(block.sum(alongAxes: [3]), Tensor.ones([3, 2, 65]), absolute: 1e-5)
            #expect(block.scalars.allSatisfy { $0 >= 0 })
        }
    }

    @Test func initializationFollowsTimm() {
        var generator = PhiloxGenerator(seed: 3)
        let model = VisionTransformer<Float>(.tinyCIFAR, using: &generator)
        #expect(model.classToken.value.scalars.allSatisfy { Swift.abs($0) < 1e-5 })
        let position = model.positionEmbedding.value                                     // 65 · 192 draws
        #expect(Swift.abs(Self.standardDeviation(position) - 0.02) < 0.001)
        #expect(position.scalars.allSatisfy { Swift.abs($0) <= 2 })
        let linears = model.namedParameters().filter { name, _ in
            [".qkv.", ".proj.", ".fc1.", ".fc2.", "head."].contains { name.contains($0) } && !name.hasPrefix("patch_embed")
        }
        #expect(linears.count == 6 * 8 + 2)
        for (name, parameter) in linears {
            if name.hasSuffix(".bias") {
                #expect(parameter.value.scalars.allSatisfy { $0 == 0 }, "\(name)")
            } else {
                #expect(Swift.abs(Self.standardDeviation(parameter.value) - 0.02) < 0.002, "\(name)")
            }
        }
        // MAE's setting: a class token with σ 0.02.
        var configuration = VisionTransformerConfiguration.microCIFAR
        configuration.classTokenStandardDeviation = 0.02
        configuration.embeddingDimension = 1024
        configuration.headCount = 1
        configuration.depth = 0
        let mae = VisionTransformer<Float>(configuration, using: &generator)
        #expect(Swift.abs(Self.standardDeviation(mae.classToken.value) - 0.02) < 0.003)
    }

    @Test func lossFallsOnATinyBatch() {
        var generator = PhiloxGenerator(seed: 4)
        let model = VisionTransformer<Float>(.microCIFAR, using: &generator)
        let images = Variable(Tensor<Float>.normal([8, 3, 32, 32], using: &generator))
        let labels = Tensor<Int>(shape: [8], scalars: [0, 1, 2, 3, 4, 5, 6, 7])
        let optimizer = AdamW(parameters: model.parameters, learningRate: 1e-2)
        var losses: [Float] = []
        for _ in 0..<15 {
            let loss = crossEntropy(logits: model(images), labels: labels)
            losses.append(loss.value.scalar)
            optimizer.update(along: loss.backward())
        }
        // ln 10 ≈ 2.3 at the start: the head starts near zero.
        #expect(Swift.abs(losses[0] - 2.3) < 0.2 && losses[14] < 0.5 * losses[0], "\(losses)")
    }

    @Test func runsInDoubleForGradientChecks() {
        var generator = PhiloxGenerator(seed: 5)
        var configuration = VisionTransformerConfiguration.microCIFAR
        configuration.imageSize = 8
        configuration.depth = 1
        let model = VisionTransformer<Double>(configuration, using: &generator)
        let images = Variable(Tensor<Double>.normal([2, 3, 8, 8], using: &generator))
        let gradients = model(images).sum().backward()
        #expect(model.parameters.allSatisfy { gradients[$0] != nil })
    }

    @Test func outputsEqualTimmsWithTheSameWeights() throws {
        let fixture = try Fixture("model_outputs", bundle: .module)
        var generator = PhiloxGenerator(seed: 6)
        let configuration = VisionTransformerConfiguration(imageSize: 8, patchSize: 4, embeddingDimension: 16, depth: 1,
                                                           headCount: 2, classCount: 3)
        let model = VisionTransformer<Double>(configuration, using: &generator)
        loadWeights(model, prefix: "vit", from: fixture)
        let output = model(Variable(fixture.tensor("vit.input", as: Double.self))).value
        assertClose(output, fixture.tensor("vit.output"), absolute: 1e-10)
    }
}
