import Foundation

/// The stages of the MAE reproduction: pre-training, reconstructions, linear probes, fine-tuning.

extension MAEReproduction {
    /// The parameters that get no weight decay besides biases and norms (rank ≤ 1): the tokens
    /// and position embeddings, as MAE's fine-tuning code (`no_weight_decay`) excludes them.
    static let undecayedNames: Set<String> = ["cls_token", "mask_token", "pos_embed", "decoder_pos_embed"]

    /// AdamW's two groups over the trainable parameters: weight matrices with `weightDecay`,
    /// everything of rank ≤ 1 and the tokens and position embeddings without.
    static func parameterGroups(_ parameters: [(name: String, parameter: Parameter<Float>)], learningRate: Double,
                                weightDecay: Double) -> [ParameterGroup<Float>] {
        ParameterGroup.splittingWeightDecay(parameters.filter(\.parameter.requiresGradient),
                                            learningRate: learningRate, weightDecay: weightDecay) { name, parameter in
            parameter.shape.count <= 1 || undecayedNames.contains(name)
        }
    }

    /// The training augmentation of MAE's pre-training: a random resized crop back to the image
    /// size (area `cropScale`, ratio 3/4–4/3, bilinear) and a horizontal flip with probability ½.
    func augmented(_ images: LabeledImages, seed: UInt64) -> MappedDataset<LabeledImages, LabeledSample<Float>> {
        let (size, scale) = (configuration.model.imageSize, configuration.cropScale)
        return images.map(seed: seed) { sample, generator in
            let cropped = sample.features.randomlyResizedCropped(height: size, width: size, scale: scale, using: &generator)
            return LabeledSample(features: cropped.randomlyFlippedHorizontally(using: &generator), label: sample.label)
        }
    }

    // MARK: - Pre-training

    /// Pre-trains `model` on `images` (their labels unused) and returns every step's loss.
    ///
    /// - Throws: `TrainingError.diverged` when the loss stops being finite.
    func pretrain(_ model: MaskedAutoencoder<Float>, on images: LabeledImages, log: (String) -> Void) throws -> [Double] {
        let seed = configuration.seed
        let loader = DataLoader(augmented(images, seed: seed &+ 101), batchSize: configuration.batchSize, shuffle: true,
                                seed: seed &+ 102, dropLast: true, workers: 1)
        let totalSteps = configuration.pretrainingEpochs * loader.batchCount
        let schedule = WarmupCosineSchedule(warmupSteps: min(Int(configuration.warmupFraction * Double(totalSteps)), totalSteps - 1),
                                            totalSteps: totalSteps)
        let optimizer = AdamW(groups: Self.parameterGroups(model.namedParameters(), learningRate: configuration.learningRate,
                                                           weightDecay: configuration.weightDecay),
                              beta1: 0.9, beta2: 0.95)
        let masks = PhiloxGenerator(seed: seed &+ 103)
        var losses: [Double] = []
        model.train()
        for epoch in 0..<configuration.pretrainingEpochs {
            let start = ProgressBar.monotonicSeconds()
            var epochLoss = RunningMean()
            for batch in loader.epoch(epoch) {
                optimizer.applySchedule(schedule, at: optimizer.step)
                var generator = masks.forked(stream: UInt64(optimizer.step))            // one masking per step
                let loss = model(Variable(batch.features), using: &generator).loss
                let value = Double(loss.value.scalar)
                guard value.isFinite else { throw TrainingError.diverged(epoch: epoch + 1, step: optimizer.step + 1, loss: value) }
                optimizer.update(along: loss.backward())
                losses.append(value)
                epochLoss.add(value)
            }
            log(String(format: "pre-training epoch %d/%d: masked-patch loss %.4f, %.1f s",
                       epoch + 1, configuration.pretrainingEpochs, epochLoss.mean, ProgressBar.monotonicSeconds() - start))
        }
        return losses
    }

    /// Originals, masked inputs (removed patches grey) and reconstructions with the visible
    /// patches pasted in, one row each, for `images` `[N, C, H, W]`.
    func reconstructionGrid(_ model: MaskedAutoencoder<Float>, images: Tensor<Float>) -> ImageGrid {
        let patchSize = model.configuration.patchSize, channels = model.configuration.inputChannels
        var generator = PhiloxGenerator(seed: configuration.seed &+ 104)
        let (prediction, mask) = evaluate(model) { () -> (Tensor<Float>, Tensor<Float>) in
            let masking = model.randomMasking(batchSize: images.shape[0], using: &generator)
            return (model.decode(model.encode(Variable(images), masking: masking), masking: masking).value, masking.mask)
        }
        let patches = images.patchified(patchSize: patchSize)                                  // [N, L, p²·C]
        var pixels = prediction                                                              // [N, L, p²·C]
        if model.configuration.normalizesPixelTargets {
            // The decoder predicts standardized patches: undo it with each patch's own statistics.
            let mean = patches.mean(alongAxes: [2], keepingDimensions: true)
            let variance = patches.variance(alongAxes: [2], correction: 1, keepingDimensions: true)
            pixels = pixels * (variance + Tensor(Float(1e-6))).sqrt() + mean
        }
        let removed = mask.unsqueezed(at: 2)                                                  // [N, L, 1]
        let kept = Tensor(Float(1)) - removed
        let maskedInput = patches * kept + removed * Tensor(Float(0.5))
        let pasted = patches * kept + pixels * removed
        let rows = [images, maskedInput.unpatchified(patchSize: patchSize, channels: channels),
                    pasted.unpatchified(patchSize: patchSize, channels: channels)]
        return ImageGrid(images: Tensor.concatenating(rows, alongAxis: 0), columns: images.shape[0])
    }

    // MARK: - Evaluation

    /// The test accuracy of a linear probe trained on `encoder`'s features of `training`.
    func probeAccuracy(_ encoder: MaskedAutoencoder<Float>, training: LabeledImages, test: LabeledImages) -> Double {
        let pooling = configuration.probePooling
        encoder.eval()
        defer { encoder.train() }
        let features: (Variable<Float>) -> Variable<Float> = { encoder.features($0, pooling: pooling) }
        let trainingFeatures = LinearProbe.features(of: features, dataset: training, batchSize: configuration.evaluationBatchSize)
        let testFeatures = LinearProbe.features(of: features, dataset: test, batchSize: configuration.evaluationBatchSize)
        let probe = LinearProbe.train(features: trainingFeatures.features, labels: trainingFeatures.labels, classCount: 10,
                                      epochs: configuration.probeEpochs, batchSize: 256, learningRate: 0.1,
                                      seed: configuration.seed &+ 105, normalize: true)
        return probe.accuracy(features: testFeatures.features, labels: testFeatures.labels)
    }

    /// Trains `classifier` on `labeled` for `fineTuningSteps` steps (AdamW, weight decay 0.05 on
    /// weight matrices, warmup then cosine, the pre-training augmentation) and returns its test accuracy.
    ///
    /// - Throws: `TrainingError.diverged` when the loss stops being finite.
    func fineTune(_ classifier: VisionTransformer<Float>, on labeled: LabeledImages, test: LabeledImages, seed: UInt64) throws -> Double {
        let loader = DataLoader(augmented(labeled, seed: seed), batchSize: min(configuration.fineTuningBatchSize, labeled.count),
                                shuffle: true, seed: seed &+ 1, dropLast: true, workers: 1)
        let steps = configuration.fineTuningSteps
        let optimizer = AdamW(groups: Self.parameterGroups(classifier.namedParameters(), learningRate: configuration.fineTuningLearningRate,
                                                           weightDecay: configuration.weightDecay))
        let schedule = WarmupCosineSchedule(warmupSteps: min(steps / 10, steps - 1), totalSteps: steps)
        classifier.train()
        var epoch = 0
        while optimizer.step < steps {
            for batch in loader.epoch(epoch) where optimizer.step < steps {
                optimizer.applySchedule(schedule, at: optimizer.step)
                let loss = crossEntropy(logits: classifier(Variable(batch.features)), labels: batch.labels)
                let value = Double(loss.value.scalar)
                guard value.isFinite else { throw TrainingError.diverged(epoch: epoch + 1, step: optimizer.step + 1, loss: value) }
                optimizer.update(along: loss.backward())
            }
            epoch += 1
        }
        var accuracy = Accuracy()
        evaluate(classifier, on: DataLoader(test, batchSize: configuration.evaluationBatchSize)) { batch in
            accuracy.add(logits: classifier(Variable(batch.features)).value, labels: batch.labels)
        }
        return accuracy.value
    }
}
