/// The training loops of the Maestro reproduction: Maestro's (ordered dropout, self-distillation,
/// HGL, progressive shrinking after each epoch) and the ordinary one of its baseline.

/// A labeled image set flattened in memory: `[N, features]` floats in `[0, 1]` and `[N]` labels.
struct InMemoryImages {
    let features: Tensor<Float>   // [N, C·H·W]
    let labels: Tensor<Int>       // [N]

    /// The first `limit` images of `images`, flattened.
    init(_ images: LabeledImages, limit: Int) {
        let count = Swift.min(limit, images.count)
        precondition(count > 0, "InMemoryImages: no images")
        let featureCount = images.sampleShape.reduce(1, *)
        var scalars = [Float]()
        scalars.reserveCapacity(count * featureCount)
        for index in 0..<count { scalars += images.image(at: index).scalars }
        features = Tensor(shape: [count, featureCount], scalars: scalars)
        labels = Tensor(images.labels.prefix(count).map { $0 })
    }

    var count: Int { labels.count }
    var featureCount: Int { features.shape[1] }

    /// Rows `indices` as a batch.
    func batch(_ indices: ArraySlice<Int>) -> (features: Tensor<Float>, labels: Tensor<Int>) {
        let selection = Tensor<Int>(Array(indices))
        return (features.indexSelect(alongAxis: 0, indices: selection), labels.indexSelect(alongAxis: 0, indices: selection))
    }
}

/// Accuracy of a model at one rank budget.
struct RankedAccuracy {
    var fraction: Double
    var ranks: [Int]
    var accuracy: Double
    var parameterCount: Int
}

/// Trains and evaluates the reproduction's networks on in-memory images.
struct MaestroTrainer {
    let settings: MaestroReproductionSettings
    let training: InMemoryImages
    var generator: PhiloxGenerator

    init(settings: MaestroReproductionSettings, training: InMemoryImages, generator: PhiloxGenerator) {
        self.settings = settings
        self.training = training
        self.generator = generator
    }

    /// The epoch's batches: a fresh seeded permutation cut into full batches.
    private mutating func epochBatches() -> [ArraySlice<Int>] {
        let order = Tensor<Int>.randomPermutation(training.count, using: &generator).scalars
        return stride(from: 0, through: order.count - settings.batchSize, by: settings.batchSize).map {
            order[$0 ..< $0 + settings.batchSize]
        }
    }

    /// Maestro's step schedule: the base rate, ×0.1 from half of training, ×0.01 from three quarters.
    private func learningRate(epoch: Int) -> Double {
        let progress = Double(epoch) / Double(settings.epochs)
        return settings.learningRate * (progress >= 0.5 ? 0.1 : 1) * (progress >= 0.75 ? 0.1 : 1)
    }

    private func optimizer(for model: Sequential<Float>, epoch: Int) -> SGD<Float> {
        SGD(namedParameters: model.namedParameters(), learningRate: learningRate(epoch: epoch),
            momentum: settings.momentum, weightDecay: settings.weightDecay)
    }

    /// The first `recalibrationBatches` training images in order, as batches.
    private var recalibrationBatches: [Tensor<Float>] {
        let count = Swift.min(training.count / settings.batchSize, settings.recalibrationBatches)
        let size = settings.batchSize
        return (0..<count).map { training.batch(Array($0 * size ..< ($0 + 1) * size)[...]).features }
    }

    /// Trains `model` with Maestro; returns the hidden ranks after each epoch's shrinking.
    mutating func trainMaestro(_ model: Sequential<Float>, log: (String) -> Void) -> [[Int]] {
        var layers = lowRankLayers(in: model)
        var sampler = OrderedDropoutSampler(ranks: layers.map(\.rank), using: &generator)
        var optimizer = optimizer(for: model, epoch: 0)
        var ranksPerEpoch: [[Int]] = []
        for epoch in 0..<settings.epochs {
            model.train()
            optimizer.learningRate = learningRate(epoch: epoch)
            var lossSum = 0.0, groupLassoSum = 0.0, steps = 0
            for indices in epochBatches() {
                let batch = training.batch(indices)
                let loss = maestroStepLoss(model: model, layers: layers, truncation: sampler.next(), input: Variable(batch.features),
                                           labels: batch.labels, groupLassoWeight: settings.groupLassoWeight)
                optimizer.update(along: loss.total.backward())
                lossSum += Double(loss.total.value.scalar)
                groupLassoSum += Double(loss.groupLasso.value.scalar)
                steps += 1
            }
            let before = layers.map(\.rank)
            let ranks = progressivelyShrink(layers, threshold: settings.shrinkingThreshold)
            if ranks != before {
                // New, smaller parameters: a sampler over the ranks left and an optimizer over them.
                layers = lowRankLayers(in: model)
                sampler = OrderedDropoutSampler(ranks: ranks, using: &generator)
                optimizer = self.optimizer(for: model, epoch: epoch + 1)
            }
            recalibrateBatchNormalization(model, batches: recalibrationBatches)
            ranksPerEpoch.append(ranks)
            log(String(format: "Maestro epoch %d: loss %.4f, HGL %.1f, ranks ", epoch + 1, lossSum / Double(steps), groupLassoSum / Double(steps))
                + ranks.map(String.init).joined(separator: ", "))
        }
        return ranksPerEpoch
    }

    /// Trains `model` with cross-entropy alone, with the same optimizer and schedule.
    mutating func trainNormally(_ model: Sequential<Float>, log: (String) -> Void) {
        let optimizer = optimizer(for: model, epoch: 0)
        for epoch in 0..<settings.epochs {
            model.train()
            optimizer.learningRate = learningRate(epoch: epoch)
            var lossSum = 0.0, steps = 0
            for indices in epochBatches() {
                let batch = training.batch(indices)
                let loss = crossEntropy(logits: model(Variable(batch.features)), labels: batch.labels)
                optimizer.update(along: loss.backward())
                lossSum += Double(loss.value.scalar)
                steps += 1
            }
            log(String(format: "normal training epoch %d: loss %.4f", epoch + 1, lossSum / Double(steps)))
        }
    }

    /// Test accuracy with each low-rank layer kept at `min(ceil(r₀·p), r)` ranks (`r₀` its initial
    /// rank, `r` the rank it holds) for each fraction `p`, batch norm recalibrated at each.
    func accuracyAtRanks(_ model: Sequential<Float>, initialRanks: [Int], test: InMemoryImages) -> [RankedAccuracy] {
        let layers = lowRankLayers(in: model)
        let otherParameters = model.parameterCount - layers.reduce(0) { $0 + $1.factorParameterCount() }
        let curve = settings.rankFractions.sorted().map { fraction -> RankedAccuracy in
            for (layer, initial) in zip(layers, initialRanks) {
                layer.keptRank = Swift.min(truncatedRank(of: initial, fraction: fraction), layer.rank)
            }
            recalibrateBatchNormalization(model, batches: recalibrationBatches)
            model.eval()
            var correct = 0
            withoutGradients {
                for start in stride(from: 0, to: test.count, by: 1000) {
                    let batch = test.batch(Array(start ..< Swift.min(start + 1000, test.count))[...])
                    correct += correctPredictionCount(logits: model(Variable(batch.features)).value, labels: batch.labels)
                }
            }
            let ranks = layers.map(\.effectiveRank)
            let parameters = otherParameters + zip(layers, ranks).reduce(0) { $0 + $1.0.compactParameterCount(rank: $1.1) }
            return RankedAccuracy(fraction: fraction, ranks: ranks, accuracy: Double(correct) / Double(test.count), parameterCount: parameters)
        }
        for layer in layers { layer.keptRank = nil }
        recalibrateBatchNormalization(model, batches: recalibrationBatches)
        return curve
    }
}
