import Foundation
import Testing
import Autograd
import Zoo
import _TestSupport

@Suite struct MaskedAutoencoderTests {
    /// 8 × 8 grey images, patch 2 (16 patches), D 16 × 1 block, decoder 8 × 1 block: 4,884
    /// parameters (`scripts/fixtures/mae_parameter_counts.py`).
    static let tiny = MaskedAutoencoderConfiguration(
        imageSize: 8, patchSize: 2, inputChannels: 1, embeddingDimension: 16, depth: 1, headCount: 2,
        decoderEmbeddingDimension: 8, decoderDepth: 1, decoderHeadCount: 2)

    static func images<Scalar: FloatingPointTensorElement>(_ shape: [Int], seed: UInt64, as: Scalar.Type = Scalar.self) -> Tensor<Scalar> {
        var generator = PhiloxGenerator(seed: seed)
        return Tensor<Scalar>.uniform(shape, using: &generator)
    }

    // MARK: Patches

    @Test func patchifyFollowsMAEsOrderAndUnpatchifyInvertsIt() {
        let (count, channels, side, patch) = (2, 3, 4, 2)
        let images = Tensor<Float>(shape: [count, channels, side, side], scalars: (0..<(count * channels * side * side)).map { Float($0) })
        let patches = images.patchified(patchSize: patch)
        #expect(patches.shape == [2, 4, 12])
        let values = patches.scalars, pixels = images.scalars
        // patches[n, h·2 + w, (p·2 + q)·C + c] = images[n, c, h·2 + p, w·2 + q]
        for n in 0..<count {
            for h in 0..<2 { for w in 0..<2 { for p in 0..<patch { for q in 0..<patch { for c in 0..<channels {
                let token: Int = n * 4 + h * 2 + w
                let patchIndex: Int = token * 12 + (p * patch + q) * channels + c
                let row: Int = h * patch + p, column: Int = w * patch + q
                let pixelIndex: Int = ((n * channels + c) * side + row) * side + column
                let patchValue = values[patchIndex], pixel = pixels[pixelIndex]
                #expect(patchValue == pixel)
            } } } } }
        }
        #expect(patches.unpatchified(patchSize: patch, channels: channels) == images)
        let random: Tensor<Float> = Self.images([3, 1, 28, 28], seed: 4)
        #expect(random.patchified(patchSize: 4).shape == [3, 49, 16])
        #expect(random.patchified(patchSize: 4).unpatchified(patchSize: 4, channels: 1) == random)
    }

    // MARK: Masking

    @Test(arguments: [(49, 0.75, 12), (14, 0.75, 3), (16, 0.5, 8), (10, 0.0, 10)])
    func theMaskRemovesExactlyTheDroppedPatches(patchCount: Int, ratio: Double, kept: Int) {
        var generator = PhiloxGenerator(seed: 11)
        let masking = RandomMasking<Float>(batchSize: 5, patchCount: patchCount, maskRatio: ratio, using: &generator)
        #expect(masking.keptCount == kept)                                 // floor, not round: 14·0.25 = 3.5 → 3
        #expect(masking.mask.shape == [5, patchCount])
        let mask = masking.mask.scalars, keptIndices = masking.keptIndices.scalars
        // Tokens whose values are their patch index: the kept tokens name themselves.
        let tokens = Variable(Tensor<Float>(shape: [5, patchCount, 2],
                                            scalars: (0..<5).flatMap { _ in (0..<patchCount).flatMap { [Float($0), -Float($0)] } }))
        let keptTokens = masking.keep(tokens).value
        #expect(keptTokens.shape == [5, kept, 2])
        var orders = Set<[Int]>()
        for sample in 0..<5 {
            let row = Array(mask[(sample * patchCount)..<((sample + 1) * patchCount)])
            #expect(row.filter { $0 == 1 }.count == patchCount - kept)
            #expect(row.allSatisfy { $0 == 0 || $0 == 1 })
            let keptHere = Array(keptIndices[(sample * kept)..<((sample + 1) * kept)])
            #expect(Set(keptHere) == Set((0..<patchCount).filter { row[$0] == 0 }))
            #expect((0..<kept).map { Int(keptTokens.scalars[(sample * kept + $0) * 2]) } == keptHere)
            orders.insert(Array(masking.shuffleIndices.scalars[(sample * patchCount)..<((sample + 1) * patchCount)]))
        }
        #expect(orders.count == 5)                                         // one shuffle per sample, not per batch
    }

    @Test func unshufflingWithIdsRestoreRestoresTheOriginalOrder() {
        var generator = PhiloxGenerator(seed: 3)
        let masking = RandomMasking<Double>(batchSize: 4, patchCount: 9, maskRatio: 0.75, using: &generator)
        let original = Tensor<Double>(shape: [4, 9, 3], scalars: (0..<108).map { Double($0) })
        let shuffled = original.gathering(alongAxis: 1, indices: masking.shuffleIndices.unsqueezed(at: 2).expanded(to: [4, 9, 3]))
        #expect(masking.unshuffle(Variable(shuffled)).value == original)
        // idsRestore is the inverse permutation of idsShuffle (un-shuffling with idsShuffle would not be).
        let shuffle = masking.shuffleIndices.scalars, restore = masking.restoreIndices.scalars
        for sample in 0..<4 {
            for patch in 0..<9 { #expect(shuffle[sample * 9 + restore[sample * 9 + patch]] == patch) }
        }
        // The mask is the shuffled-order mask [0, 0, 1, …] put back with idsRestore.
        for sample in 0..<4 {
            for patch in 0..<9 {
                #expect(masking.mask.scalars[sample * 9 + patch] == (restore[sample * 9 + patch] < masking.keptCount ? 0 : 1))
            }
        }
    }

    @Test func theSameGeneratorMasksTheSamePatchesInFloatAndDouble() {
        var first = PhiloxGenerator(seed: 9), second = PhiloxGenerator(seed: 9)
        let float = RandomMasking<Float>(batchSize: 3, patchCount: 16, maskRatio: 0.75, using: &first)
        let double = RandomMasking<Double>(batchSize: 3, patchCount: 16, maskRatio: 0.75, using: &second)
        #expect(float.shuffleIndices == double.shuffleIndices)
    }

    // MARK: Position embedding

    @Test(arguments: [("dim8_grid3", 8, 3), ("dim16_grid4", 16, 4), ("dim64_grid7", 64, 7)])
    func sinCosEmbeddingEqualsMAEsNumPy(key: String, dimension: Int, grid: Int) throws {
        let fixture = try Fixture("mae_pos_embed", bundle: .module)
        let reference: Tensor<Double> = fixture.tensor(key)
        let table = Tensor<Double>.sinCosPositionEmbedding(dimension: dimension, gridSize: grid)
        #expect(table.shape == reference.shape)
        assertClose(table, reference, absolute: 1e-12)
    }

    @Test func theModelsPositionEmbeddingsAreTheFixedTables() throws {
        let fixture = try Fixture("mae_pos_embed", bundle: .module)
        var configuration = Self.tiny
        configuration.embeddingDimension = 16
        configuration.decoderEmbeddingDimension = 16
        configuration.imageSize = 8                                        // 4 × 4 patches of 2
        var generator = PhiloxGenerator(seed: 0)
        let model = MaskedAutoencoder<Float>(configuration, using: &generator)
        let reference: Tensor<Float> = fixture.tensor("dim16_grid4")
        assertClose(model.positionEmbedding.value, reference.unsqueezed(at: 0), absolute: 1e-6)
        assertClose(model.decoderPositionEmbedding.value, reference.unsqueezed(at: 0), absolute: 1e-6)
        #expect(!model.positionEmbedding.requiresGradient && !model.decoderPositionEmbedding.requiresGradient)
    }

    // MARK: Names and sizes

    @Test func namesEqualMAEsAndTheTinyCountEqualsTheFormula() {
        var generator = PhiloxGenerator(seed: 0)
        let model = MaskedAutoencoder<Float>(Self.tiny, using: &generator)
        let names = Set(model.namedParameters().map(\.name))
        for name in ["cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias", "blocks.0.norm1.weight",
                     "blocks.0.attn.qkv.weight", "blocks.0.attn.proj.bias", "blocks.0.mlp.fc2.weight", "norm.weight",
                     "decoder_embed.weight", "decoder_embed.bias", "mask_token", "decoder_pos_embed",
                     "decoder_blocks.0.attn.qkv.weight", "decoder_blocks.0.mlp.fc1.bias", "decoder_norm.bias",
                     "decoder_pred.weight", "decoder_pred.bias"] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(model.parameterCount == 4_884)
        #expect(model.decoderPrediction.weight.shape == [4, 8])
        #expect(model.maskToken.shape == [1, 1, 8])
    }

    /// The large presets are counted from a one-block copy plus the remaining blocks like its
    /// ones: drawing 657M weights in a debug build takes minutes. The references come from the
    /// layer formulas in `scripts/fixtures/mae_parameter_counts.py`.
    @Test(arguments: [(MaskedAutoencoderConfiguration.basePatch16, 111_907_840),
                      (MaskedAutoencoderConfiguration.largePatch16, 329_541_888),
                      (MaskedAutoencoderConfiguration.hugePatch14, 657_074_508)])
    func paperPresetParameterCounts(configuration: MaskedAutoencoderConfiguration, count: Int) {
        var generator = PhiloxGenerator(seed: 0)
        var oneBlock = configuration
        oneBlock.depth = 1
        oneBlock.decoderDepth = 1
        let model = MaskedAutoencoder<Float>(oneBlock, using: &generator)
        let total = model.parameterCount + (configuration.depth - 1) * model.blocks[0].parameterCount
            + (configuration.decoderDepth - 1) * model.decoderBlocks[0].parameterCount
        #expect(total == count)
        #expect(configuration.decoderEmbeddingDimension == 512 && configuration.decoderDepth == 8 && configuration.decoderHeadCount == 16)
    }

    @Test func smallPresetParameterCounts() {
        var generator = PhiloxGenerator(seed: 0)
        #expect(MaskedAutoencoder<Float>(.smallFashionMNIST, using: &generator).parameterCount == 914_704)
        #expect(MaskedAutoencoder<Float>(.smallCIFAR, using: &generator).parameterCount == 917_584)
    }

    // MARK: Forward pass and loss

    @Test func shapesThroughEncoderAndDecoder() {
        var generator = PhiloxGenerator(seed: 1)
        let model = MaskedAutoencoder<Float>(Self.tiny, using: &generator)
        let images = Variable<Float>(Self.images([3, 1, 8, 8], seed: 2))
        let masking = model.randomMasking(batchSize: 3, using: &generator)
        #expect(masking.keptCount == 4)
        let latent = model.encode(images, masking: masking)
        #expect(latent.shape == [3, 5, 16])
        #expect(model.decode(latent, masking: masking).shape == [3, 16, 4])
        #expect(model.features(images).shape == [3, 16])
        #expect(model.features(images, pooling: .classTokenAndPatchMean).shape == [3, 32])
    }

    @Test(arguments: [false, true])
    func theLossSeesOnlyTheMaskedPatches(normalized: Bool) {
        var configuration = Self.tiny
        configuration.normalizesPixelTargets = normalized
        var generator = PhiloxGenerator(seed: 5)
        let model = MaskedAutoencoder<Double>(configuration, using: &generator)
        let images: Tensor<Double> = Self.images([2, 1, 8, 8], seed: 6)
        let (loss, prediction, masking) = model(Variable(images), using: &generator)
        let mask = masking.mask.scalars
        let visible = mask.firstIndex(of: 0)!, removed = mask.firstIndex(of: 1)!
        func lossAfterChanging(patch flatPatch: Int) -> Double {
            var values = prediction.value.scalars
            for value in 0..<4 { values[flatPatch * 4 + value] += 3 }
            return model.reconstructionLoss(images: images, prediction: Variable(Tensor(shape: prediction.shape, scalars: values)),
                                            mask: masking.mask).value.scalar
        }
        #expect(lossAfterChanging(patch: visible) == loss.value.scalar)
        #expect(abs(lossAfterChanging(patch: removed) - loss.value.scalar) > 1e-3)

        // By hand: the mean over removed patches of the per-patch mean squared error.
        let target = model.reconstructionTarget(images).scalars, predicted = prediction.value.scalars
        var total = 0.0
        for patch in 0..<32 where mask[patch] == 1 {
            total += (0..<4).map { pow(predicted[patch * 4 + $0] - target[patch * 4 + $0], 2) }.reduce(0, +) / 4
        }
        #expect(abs(loss.value.scalar - total / Double(mask.filter { $0 == 1 }.count)) < 1e-12)
    }

    @Test func normalizedTargetsAreStandardizedPerPatch() {
        var configuration = Self.tiny
        configuration.normalizesPixelTargets = true
        var generator = PhiloxGenerator(seed: 0)
        let model = MaskedAutoencoder<Double>(configuration, using: &generator)
        let images: Tensor<Double> = Self.images([1, 1, 8, 8], seed: 8)
        let target = model.reconstructionTarget(images)                    // [1, 16, 4]
        let raw = images.patchified(patchSize: 2).scalars
        for patch in 0..<16 {
            let values = Array(raw[(patch * 4)..<(patch * 4 + 4)])
            let mean = values.reduce(0, +) / 4
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3   // unbiased
            for value in 0..<4 {
                let expected = (values[value] - mean) / (variance + 1e-6).squareRoot()
                #expect(abs(target.scalars[patch * 4 + value] - expected) < 1e-12)
            }
        }
    }

    // MARK: Gradients

    @Test func gradientsThroughMaskingAndUnshufflingMatchFiniteDifferences() {
        var generator = PhiloxGenerator(seed: 21)
        var configuration = Self.tiny
        configuration.imageSize = 4                                        // 4 patches, 1 kept
        configuration.maskRatio = 0.5                                      // 2 kept, 2 mask tokens
        let model = MaskedAutoencoder<Double>(configuration, using: &generator)
        let masking = model.randomMasking(batchSize: 2, using: &generator)
        let images: Tensor<Double> = Self.images([2, 1, 4, 4], seed: 22)
        // Images → predictions: patch embedding, the gather of the kept tokens, the mask tokens,
        // the un-shuffling gather, both transformers.
        let throughModel = checkGradients(at: [images], tolerance: 1e-5) { inputs in
            model.decode(model.encode(inputs[0], masking: masking), masking: masking)
        }
        #expect(throughModel.passed, "\(throughModel)")
        // Latent → predictions, for the decoder alone.
        let latent = model.encode(Variable(images), masking: masking).value
        let throughDecoder = checkGradients(at: [latent], tolerance: 1e-5) { inputs in
            model.decode(inputs[0], masking: masking)
        }
        #expect(throughDecoder.passed, "\(throughDecoder)")
        // Predictions → loss, with normalized targets too.
        let prediction = model.decode(Variable(latent), masking: masking).value
        let throughLoss = checkGradients(at: [prediction], tolerance: 1e-6) { inputs in
            model.reconstructionLoss(images: images, prediction: inputs[0], mask: masking.mask)
        }
        #expect(throughLoss.passed, "\(throughLoss)")
        // The mask token gets a gradient; the fixed position embeddings get none.
        let gradients = model(Variable(images), using: &generator).loss.backward()
        #expect(gradients[model.maskToken] != nil)
        #expect(gradients[model.positionEmbedding] == nil && gradients[model.decoderPositionEmbedding] == nil)
    }

    // MARK: Training and hand-off

    @Test func theLossFallsOnAFixedBatch() {
        var generator = PhiloxGenerator(seed: 2)
        let model = MaskedAutoencoder<Float>(Self.tiny, using: &generator)
        let images = Variable<Float>(Self.images([8, 1, 8, 8], seed: 3))
        let optimizer = AdamW(namedParameters: model.namedParameters(), learningRate: 3e-3, beta2: 0.95, weightDecay: 0.05)
        var losses: [Float] = []
        for _ in 0..<30 {
            var maskGenerator = PhiloxGenerator(seed: 4)                   // the same masking each step
            let loss = model(images, using: &maskGenerator).loss
            losses.append(loss.value.scalar)
            optimizer.update(along: loss.backward())
        }
        #expect(losses.last! < 0.5 * losses.first!, "\(losses)")
    }

    @Test func theSameSeedGivesTheSameLoss() {
        func run() -> Float {
            var generator = PhiloxGenerator(seed: 7)
            let model = MaskedAutoencoder<Float>(Self.tiny, using: &generator)
            return model(Variable(Self.images([4, 1, 8, 8], seed: 1)), using: &generator).loss.value.scalar
        }
        #expect(run() == run())
    }

    @Test func theEncoderHandsItsWeightsToAViTClassifier() {
        var generator = PhiloxGenerator(seed: 4)
        let model = MaskedAutoencoder<Float>(Self.tiny, using: &generator)
        let classifier = model.visionTransformer(classCount: 3, using: &generator)
        #expect(classifier.blocks[0].attention.queryKeyValue.weight.value == model.blocks[0].attention.queryKeyValue.weight.value)
        #expect(classifier.positionEmbedding.value == model.positionEmbedding.value)
        #expect(classifier.classToken.value == model.classToken.value)
        #expect(classifier.positionEmbedding.requiresGradient)
        // Without masking, the classifier's encoder computes the MAE encoder's tokens.
        let images = Variable<Float>(Self.images([2, 1, 8, 8], seed: 5))
        assertClose(classifier.encode(images).value, model.encode(images, masking: nil).value, absolute: 1e-6)
        #expect(classifier(images).shape == [2, 3])
    }
}
