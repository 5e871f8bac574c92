import Foundation
import Testing
import Autograd
@testable import Zoo
import _TestSupport

@Suite("Maestro")
struct MaestroTests {
    // MARK: Low-rank layers

    @Test func aTruncatedLinearLayerEqualsTheDenseProductOfTheKeptFactors() {
        var generator = PhiloxGenerator(seed: 1)
        let layer = LowRankLinear<Double>(inputFeatures: 7, outputFeatures: 5, using: &generator)
        #expect(layer.rank == 5 && layer.u.shape == [5, 5] && layer.v.shape == [5, 7])
        let input = Tensor<Double>.uniform([3, 7], low: -1, high: 1, using: &generator)
        for rank in 1...5 {
            layer.keptRank = rank
            let kept = matmul(layer.u.value.sliced(axis: 1, to: rank), layer.v.value.sliced(axis: 0, to: rank))  // [5, 7]
            let expected = matmul(input, kept.transposed()) + layer.bias!.value
            assertClose(layer(Variable(input)).value, expected, absolute: 1e-12, "rank \(rank)")
            assertClose(layer.dense()(Variable(input)).value, expected, absolute: 1e-12, "dense() at rank \(rank)")
        }
    }

    @Test func aRankTwoForwardMatchesNumPy() throws {
        let fixture = try Fixture("maestro", bundle: .module)
        let layer = LowRankLinear<Double>(u: fixture.tensor("u"), v: fixture.tensor("v"), bias: fixture.tensor("bias"))
        layer.keptRank = 2
        assertClose(layer(Variable(fixture.tensor("x"))).value, fixture.tensor("rank2_output"), absolute: 1e-12)
    }

    @Test func singularValueInitializationKeepsTheDenseFunction() {
        var generator = PhiloxGenerator(seed: 2)
        let dense = Linear<Double>(inputFeatures: 6, outputFeatures: 9, using: &generator)
        let lowRank = LowRankLinear(dense: dense)
        #expect(lowRank.rank == 6)
        assertClose(lowRank.denseWeightMatrix(), dense.weight.value, absolute: 1e-12)
        // U = P√Σ and V = Q√Σ: column j of U and row j of V have the same norm, √σ_j, decreasing.
        let scales = rankScales(of: lowRank)
        let singularValues = try! svd(dense.weight.value, fullMatrices: false).singularValues.scalars
        assertClose(scales, singularValues, absolute: 1e-12)
        let columnNorms = (lowRank.u.value * lowRank.u.value).sum(alongAxes: [0]).scalars
        let rowNorms = (lowRank.v.value * lowRank.v.value).sum(alongAxes: [1]).scalars
        assertClose(columnNorms, rowNorms, absolute: 1e-12)
    }

    @Test func aTruncatedConvolutionEqualsTheDenseConvolutionOfTheKeptFactors() {
        var generator = PhiloxGenerator(seed: 3)
        let layer = LowRankConv2d<Double>(inputChannels: 2, outputChannels: 4, kernelSize: 3, padding: 1, using: &generator)
        #expect(layer.rank == 4 && layer.fanIn == 18 && layer.u.shape == [4, 4, 1, 1] && layer.v.shape == [4, 2, 3, 3])
        let input = Tensor<Double>.uniform([2, 2, 5, 5], low: -1, high: 1, using: &generator)
        for rank in 1...4 {
            layer.keptRank = rank
            let weight = layer.denseWeightMatrix().reshaped(to: [4, 2, 3, 3])
            let expected = conv2d(input, weight: weight, bias: layer.bias!.value, padding: 1)
            assertClose(layer(Variable(input)).value, expected, absolute: 1e-12, "rank \(rank)")
            assertClose(layer.dense()(Variable(input)).value, expected, absolute: 1e-12, "dense() at rank \(rank)")
        }
        layer.keptRank = nil
        // At full rank the factored convolution is the dense one it was built from.
        var twin = PhiloxGenerator(seed: 3)
        let dense = Conv2d<Double>(inputChannels: 2, outputChannels: 4, kernelSize: 3, padding: 1, using: &twin)
        assertClose(layer(Variable(input)).value, dense(Variable(input)).value, absolute: 1e-12)
    }

    @Test func parameterCountsAndShrinking() {
        var generator = PhiloxGenerator(seed: 4)
        let layer = LowRankLinear<Float>(inputFeatures: 20, outputFeatures: 10, using: &generator)
        #expect(layer.factorParameterCount() == (20 + 10) * 10 + 10)
        #expect(layer.denseParameterCount == 20 * 10 + 10)
        #expect(layer.isSmallerDense && layer.compactParameterCount() == 210)
        #expect(layer.parameterCount == layer.factorParameterCount())
        let before = layer.denseWeightMatrix(rank: 3)
        layer.shrink(toRank: 3)
        #expect(layer.rank == 3 && layer.parameterCount == 30 * 3 + 10 && !layer.isSmallerDense)
        assertClose(layer.denseWeightMatrix(), before)
        #expect(truncatedRank(of: 10, fraction: 0.01) == 1)
        #expect(truncatedRank(of: 10, fraction: 0.25) == 3)
        #expect(truncatedRank(of: 10, fraction: 1) == 10)
    }

    // MARK: Gradients

    @Test func lowRankLinearGradientsAtAKeptRank() {
        let report = checkGradients(at: [sample([3, 7], seed: 11), sample([5, 4], seed: 12), sample([4, 7], seed: 13), sample([5], seed: 14)]) { inputs in
            lowRankLinear(inputs[0], u: inputs[1], v: inputs[2], bias: inputs[3], rank: 2)
        }
        #expect(report.passed, "\(report)")
    }

    @Test func lowRankConvolutionGradientsAtAKeptRank() {
        let report = checkGradients(at: [sample([2, 2, 4, 4], seed: 21), sample([3, 4, 1, 1], seed: 22),
                                         sample([4, 2, 3, 3], seed: 23), sample([3], seed: 24)]) { inputs in
            lowRankConv2d(inputs[0], u: inputs[1], v: inputs[2], bias: inputs[3], rank: 3, stride: 2, padding: 1)
        }
        #expect(report.passed, "\(report)")
    }

    @Test func hierarchicalGroupLassoGradients() {
        let report = checkGradients(at: [sample([5, 4], seed: 31), sample([4, 7], seed: 32)]) { inputs in
            hierarchicalGroupLasso(u: inputs[0], v: inputs[1])
        }
        #expect(report.passed, "\(report)")
    }

    // MARK: Ordered dropout, HGL, importance

    @Test func theSamplerVisitsEveryLayerAndRankOncePerCycle() {
        var generator = PhiloxGenerator(seed: 5)
        var sampler = OrderedDropoutSampler(ranks: [3, 1, 4], using: &generator)
        let everyPair = Set([(0, 3), (1, 1), (2, 4)].flatMap { layer, rank in
            (1...rank).map { OrderedDropoutSampler.Truncation(layer: layer, rank: $0) }
        })
        #expect(sampler.cycleLength == 8)
        var cycles: [[OrderedDropoutSampler.Truncation]] = []
        for _ in 0..<3 {
            let cycle = (0..<8).map { _ in sampler.next() }
            #expect(Set(cycle) == everyPair && Set(cycle).count == 8)
            cycles.append(cycle)
        }
        #expect(cycles[0] != cycles[1] || cycles[1] != cycles[2], "each cycle is shuffled afresh")
        // The same seed draws the same pairs.
        var again = PhiloxGenerator(seed: 5)
        var twin = OrderedDropoutSampler(ranks: [3, 1, 4], using: &again)
        #expect((0..<8).map { _ in twin.next() } == cycles[0])
    }

    @Test func hierarchicalGroupLassoAndImportanceMatchNumPy() throws {
        let fixture = try Fixture("maestro", bundle: .module)
        let layer = LowRankLinear<Double>(u: fixture.tensor("u"), v: fixture.tensor("v"), bias: nil)
        assertClose(hierarchicalGroupLasso([layer]).value, fixture.tensor("hgl"), absolute: 1e-12)
        assertClose(rankImportance(of: layer), fixture.tensor("importance", as: Double.self).scalars, absolute: 1e-12)
        // By hand for a rank-2 layer: U columns of norm² 1 and 4 (tails √5, 2); V rows of norm² 9
        // and 16 (tails 5, 4): HGL = √5 + 2 + 5 + 4, importance [5√5, 8].
        let small = LowRankLinear<Double>(u: Tensor(shape: [2, 2], scalars: [1, 0, 0, 2]),
                                          v: Tensor(shape: [2, 2], scalars: [3, 0, 0, 4]), bias: nil)
        #expect(abs(hierarchicalGroupLasso([small]).value.scalar - (5.0.squareRoot() + 11)) < 1e-12)
        assertClose(rankImportance(of: small), [5 * 5.0.squareRoot(), 8], absolute: 1e-12)
    }

    @Test func progressiveShrinkingDropsUnimportantTailRanks() {
        // Ranks 3 and 4 of this layer are almost zero: importance 1e-8 and 1e-9.
        let u = Tensor<Double>(shape: [3, 4], scalars: [1, 0, 1e-4, 0, 0, 1, 0, 1e-5, 0, 0, 0, 0])
        let v = Tensor<Double>(shape: [4, 3], scalars: [1, 0, 0, 0, 1, 0, 0, 0, 1e-4, 0, 0, 1e-4])
        let layer = LowRankLinear<Double>(u: u, v: v, bias: nil)
        let other = LowRankLinear<Double>(u: Tensor.ones([3, 2]), v: Tensor.ones([2, 3]), bias: nil)
        #expect(progressivelyShrink([layer, other], threshold: 1e-5) == [2, 2])
        #expect(layer.u.shape == [3, 2] && layer.v.shape == [2, 3])
    }

    @Test func theStepLossIsClassificationPlusDistillationPlusGroupLasso() {
        var generator = PhiloxGenerator(seed: 6)
        let model: Sequential<Double> = lowRankMultilayerPerceptron(inputFeatures: 8, hiddenFeatures: [6], classCount: 3,
                                                                   lowRank: true, using: &generator)
        model.eval()  // fixed batch-norm statistics, so the passes below see the same function
        let layers = lowRankLayers(in: model)
        #expect(layers.count == 1 && layers[0].rank == 6)
        let input = Variable(Tensor<Double>.uniform([4, 8], low: 0, high: 1, using: &generator))
        let labels = Tensor<Int>([0, 1, 2, 1])
        let loss = maestroStepLoss(model: model, layers: layers, truncation: .init(layer: 0, rank: 2), input: input,
                                   labels: labels, groupLassoWeight: 0.1)
        let full = model(input)
        layers[0].keptRank = 2
        let truncated = model(input)
        layers[0].keptRank = nil
        let expected = crossEntropy(logits: full, labels: labels).value.scalar
            + crossEntropy(logits: truncated, probabilities: full.softmax(alongAxis: 1)).value.scalar
            + 0.1 * hierarchicalGroupLasso(layers).value.scalar
        #expect(abs(loss.total.value.scalar - expected) < 1e-12)
        #expect(layers[0].keptRank == nil, "the step leaves every layer at full rank")
        // The soft target is detached: the distillation term sends no gradient through the full pass.
        let head = model.layers.last as! Linear<Double>
        let detachedGradient = loss.distillation!.backward()[head.weight]!
        layers[0].keptRank = 2
        let constantTarget = Variable(full.softmax(alongAxis: 1).value)
        let reference = crossEntropy(logits: model(input), probabilities: constantTarget).backward()[head.weight]!
        layers[0].keptRank = nil
        assertClose(detachedGradient, reference, absolute: 1e-12)
        let withoutDistillation = maestroStepLoss(model: model, layers: layers, truncation: .init(layer: 0, rank: 2),
                                                  input: input, labels: labels, groupLassoWeight: 0.1, selfDistillation: false)
        #expect(abs(withoutDistillation.total.value.scalar
                    - (crossEntropy(logits: truncated, labels: labels).value.scalar + 0.1 * hierarchicalGroupLasso(layers).value.scalar)) < 1e-12)
    }

    @Test func batchNormRecalibrationAveragesTheBatchesWithoutTrainingWeights() {
        var generator = PhiloxGenerator(seed: 7)
        let model: Sequential<Double> = lowRankMultilayerPerceptron(inputFeatures: 4, hiddenFeatures: [3], classCount: 2,
                                                                   lowRank: true, using: &generator)
        model.eval()
        let weightsBefore = model.parameters.map(\.value)
        let batches = (0..<3).map { _ in Tensor<Double>.uniform([5, 4], low: 0, high: 1, using: &generator) }
        recalibrateBatchNormalization(model, batches: batches)
        let normalization = model.layers[2] as! BatchNorm1d<Double>
        // The running mean is the average of the three batch means of the layer's input.
        let hidden = model.layers[1] as! LowRankLinear<Double>
        let means = batches.map { hidden(Variable($0)).value.mean(alongAxes: [0]) }
        assertClose(normalization.runningMean.value, (means[0] + means[1] + means[2]) / 3, absolute: 1e-12)
        #expect(normalization.momentum == 0.1 && !model.isTraining)
        for (before, after) in zip(weightsBefore, model.parameters.map(\.value)) { assertClose(after, before, absolute: 0) }
    }

    @Test func compactingReplacesLayersLargerThanTheirDenseForm() {
        var generator = PhiloxGenerator(seed: 8)
        let model: Sequential<Float> = lowRankMultilayerPerceptron(inputFeatures: 12, hiddenFeatures: [10, 10], classCount: 3,
                                                                  lowRank: true, using: &generator)
        let layers = lowRankLayers(in: model)
        layers[0].keptRank = 2  // (12 + 10)·2 < 120: stays factored at rank 2
        let input = Variable(Tensor<Float>.uniform([4, 1, 3, 4], low: 0, high: 1, using: &generator))
        model.eval()
        let before = model(input).value
        let compact = model.compacted()
        compact.eval()
        #expect(compact.layers[1] is LowRankLinear<Float> && (compact.layers[1] as! LowRankLinear<Float>).rank == 2)
        #expect(compact.layers[4] is Linear<Float>)  // (10 + 10)·10 > 100: dense
        assertClose(compact(input).value, before, absolute: 1e-5)
        #expect(compact.parameterCount < model.parameterCount)
    }

    // MARK: The reproduction's training loops

    @Test func maestroTrainingIsDeterministicAndLeavesEveryLayerAtFullRank() {
        var generator = PhiloxGenerator(seed: 9)
        let pixels = Tensor<UInt8>(shape: [64, 1, 4, 4], scalars: (0..<(64 * 16)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let images = InMemoryImages(LabeledImages(pixels: pixels, labels: (0..<64).map { $0 % 3 }), limit: 48)
        #expect(images.count == 48 && images.featureCount == 16)
        var settings = MaestroReproductionSettings()
        settings.epochs = 2
        settings.batchSize = 8
        settings.hiddenFeatures = [8]
        settings.recalibrationBatches = 2
        settings.rankFractions = [0.25, 1]
        func run() -> (ranks: [[Int]], accuracies: [Double], keptRanks: [Int?]) {
            var initialization = PhiloxGenerator(seed: 10)
            let model: Sequential<Float> = lowRankMultilayerPerceptron(inputFeatures: 16, hiddenFeatures: [8], classCount: 3,
                                                                      lowRank: true, using: &initialization)
            var trainer = MaestroTrainer(settings: settings, training: images, generator: PhiloxGenerator(seed: 11))
            let ranks = trainer.trainMaestro(model) { _ in }
            let curve = trainer.accuracyAtRanks(model, initialRanks: [8], test: images)
            #expect(curve.map(\.ranks) == [[2], [ranks.last![0]]])
            return (ranks, curve.map(\.accuracy), lowRankLayers(in: model).map(\.keptRank))
        }
        let first = run(), second = run()
        #expect(first.ranks.count == 2 && first.accuracies.allSatisfy { (0...1).contains($0) })
        #expect(first.keptRanks == [nil])
        #expect(first.ranks == second.ranks && first.accuracies == second.accuracies)
    }

    // MARK: The SVD-recovery experiment

    @Test func orderedDropoutRecoversTheSingularValuesInOrder() {
        var settings = SingularValueRecoverySettings()
        settings.steps = 1500
        let withDropout = recoverSingularValues(settings, seed: 0)
        #expect(withDropout.maximumRelativeError < 0.02, "\(withDropout.learnedScales)")
        // Truncated to rank b, the learned layer is close to the best rank-b map.
        for (error, optimal) in zip(withDropout.truncationErrors, withDropout.optimalTruncationErrors) {
            #expect(error < optimal + 0.05, "\(withDropout.truncationErrors) vs \(withDropout.optimalTruncationErrors)")
        }
        settings.orderedDropout = false
        let without = recoverSingularValues(settings, seed: 0)
        #expect(without.maximumRelativeError > 0.1, "\(without.learnedScales)")
        #expect(without.truncationErrors[5] < 0.05, "without ordered dropout the full-rank map is still learned")
    }
}

/// A Double tensor uniform in `[-1, 1]` from `seed`.
private func sample(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
    var generator = PhiloxGenerator(seed: seed)
    return Tensor.uniform(shape, low: -1, high: 1, using: &generator)
}
