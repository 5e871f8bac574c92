import Foundation

/// Running the whole MAE reproduction and turning its measurements into a report.

extension MAEReproduction {
    /// What a run produced: the report, the measurements behind it, the loss curve and the
    /// reconstruction picture.
    public struct Outcome: Sendable {
        /// Tables, claims and notes.
        public var report: ReproductionReport
        /// The numbers the tables show.
        public var measurements: MAEMeasurements
        /// The masked-patch loss against the pre-training step.
        public var lossFigure: SVGFigure
        /// Originals, masked inputs and reconstructions of test images.
        public var reconstructions: ImageGrid

        /// The loss curve's file name next to the report.
        public static let lossFileName = "loss.svg"
        /// The reconstruction picture's file name next to the report.
        public static let reconstructionsFileName = "reconstructions.png"

        /// Writes `report.md`, `report.json`, the loss curve and the reconstructions into `directory`.
        ///
        /// - Throws: the file system's error when the folder cannot be written.
        public func write(to directory: URL) throws {
            try report.write(to: directory)
            try lossFigure.write(to: directory.appendingPathComponent(Self.lossFileName))
            try reconstructions.write(to: directory.appendingPathComponent(Self.reconstructionsFileName))
        }

        /// The tables and the claims as Markdown, for the terminal; the same on every run with
        /// the same settings and seed (no times in them).
        public var tablesText: String {
            var copy = report
            copy.notes = []
            copy.pictures = []
            copy.seconds = nil
            return copy.markdown.components(separatedBy: "\n").dropFirst(3).joined(separator: "\n")
        }
    }

    /// Runs every stage on the configured dataset and reports them.
    ///
    /// - Parameters:
    ///   - command: the command line to print in the report.
    ///   - dataDirectory: where the datasets are installed.
    ///   - log: receives a line per pre-training epoch and per stage.
    /// - Throws: `DatasetError` when the dataset is missing; `TrainingError` for bad settings or a
    ///   diverging run.
    public func run(command: String, dataDirectory: URL, log: (String) -> Void = { _ in }) throws -> Outcome {
        try configuration.validate()
        let start = ProgressBar.monotonicSeconds()
        ThreadBudget.count = configuration.threads
        let entry = try DatasetRegistry.standard.dataset(named: configuration.dataset)
        let model = configuration.model
        guard entry.sampleShape == [model.inputChannels, model.imageSize, model.imageSize] else {
            throw TrainingError.invalidSetting("zoo reproduce mae: dataset \(configuration.dataset) has samples \(entry.sampleShape), "
                + "the model expects [\(model.inputChannels), \(model.imageSize), \(model.imageSize)]")
        }
        let training = try entry.load(.train, dataDirectory: dataDirectory).evenlySpaced(configuration.trainingImages)
        let test = try entry.load(.test, dataDirectory: dataDirectory).evenlySpaced(configuration.testImages)
        var measurements = MAEMeasurements()

        // 1. Pre-training without labels; the same initialization is kept as the random encoder.
        var generator = PhiloxGenerator(seed: configuration.seed)
        let autoencoder = MaskedAutoencoder<Float>(model, using: &generator)
        generator = PhiloxGenerator(seed: configuration.seed)
        let randomEncoder = MaskedAutoencoder<Float>(model, using: &generator)
        let losses = try pretrain(autoencoder, on: training, log: log)
        measurements.pretrainingSteps = losses.count
        let edge = max(1, losses.count / 20)
        measurements.firstLoss = losses.prefix(edge).reduce(0, +) / Double(edge)
        measurements.lastLoss = losses.suffix(edge).reduce(0, +) / Double(edge)
        let stretch = max(1, losses.count / 100)
        measurements.lossCurve = stride(from: 0, to: losses.count, by: stretch).map { first in
            let part = losses[first..<min(first + stretch, losses.count)]
            return (first + part.count, part.reduce(0, +) / Double(part.count))
        }
        let shown = Tensor.stacking((0..<min(8, test.count)).map { test.image(at: $0) })      // [8, C, H, W]
        let reconstructions = reconstructionGrid(autoencoder, images: shown)

        // 2. Linear probes on the frozen encoders.
        measurements.probeAccuracy = probeAccuracy(autoencoder, training: training, test: test)
        measurements.randomProbeAccuracy = probeAccuracy(randomEncoder, training: training, test: test)
        log(String(format: "linear probe: MAE %.4f, random encoder %.4f", measurements.probeAccuracy, measurements.randomProbeAccuracy))

        // 3. Fine-tuning with few labels, from MAE and from scratch, with the same head and order.
        for (index, fraction) in configuration.labelFractions.enumerated() {
            let labeled = training.evenlySpaced(Int(fraction * Double(training.count)))
            measurements.labelCounts[fraction] = labeled.count
            let seed = configuration.seed &+ 200 &+ UInt64(index) * 10
            var headGenerator = PhiloxGenerator(seed: seed)
            let pretrained = autoencoder.visionTransformer(classCount: entry.classCount, using: &headGenerator)
            headGenerator = PhiloxGenerator(seed: seed)
            let scratch = VisionTransformer<Float>(model.encoderConfiguration(classCount: entry.classCount), using: &headGenerator)
            measurements.fineTuned[fraction] = try fineTune(pretrained, on: labeled, test: test, seed: seed &+ 1)
            measurements.scratch[fraction] = try fineTune(scratch, on: labeled, test: test, seed: seed &+ 1)
            log(String(format: "fine-tuning with %d labels: MAE %.4f, scratch %.4f", labeled.count,
                       measurements.fineTuned[fraction]!, measurements.scratch[fraction]!))
        }

        var report = makeReport(measurements, command: command, trainingCount: training.count, testCount: test.count)
        report.seconds = ProgressBar.monotonicSeconds() - start
        var plot = LinePlot(title: "MAE pre-training on \(configuration.dataset)", xLabel: "step", yLabel: "masked-patch MSE")
        plot.add(LinePlot.Series(name: "loss on removed patches", points: measurements.lossCurve.map { (Double($0.step), $0.loss) }))
        return Outcome(report: report, measurements: measurements, lossFigure: SVGFigure(panels: [plot]),
                       reconstructions: reconstructions)
    }

    /// The tables, claims and notes of a run's measurements.
    func makeReport(_ measurements: MAEMeasurements, command: String, trainingCount: Int, testCount: Int) -> ReproductionReport {
        func percent(_ value: Double) -> String { String(format: "%.2f %%", 100 * value) }
        let model = configuration.model
        var report = ReproductionReport(paper: "He et al., Masked Autoencoders Are Scalable Vision Learners, CVPR 2022",
                                        command: command)
        var pretraining = ReproductionTable(title: "Pre-training (masked-patch MSE)", columns: ["", "ours", "paper (ImageNet-1k)"])
        pretraining.append(["images (labels unused)", "\(trainingCount) \(configuration.dataset)", "1.28M"])
        pretraining.append(["encoder", "ViT D \(model.embeddingDimension), \(model.depth) blocks, patch \(model.patchSize) (\(model.patchCount) patches)",
                            "ViT-B/16 (196 patches)"])
        pretraining.append(["decoder", "\(model.decoderEmbeddingDimension)-d × \(model.decoderDepth) blocks", "512-d × 8 blocks"])
        pretraining.append(["mask ratio", ReproductionTable.format(model.maskRatio), "0.75"])
        pretraining.append(["epochs (steps)", "\(configuration.pretrainingEpochs) (\(measurements.pretrainingSteps))", "800 or 1600"])
        pretraining.append(["loss, first 5 % of steps", String(format: "%.4f", measurements.firstLoss), "—"])
        pretraining.append(["loss, last 5 % of steps", String(format: "%.4f", measurements.lastLoss), "—"])
        report.tables.append(pretraining)

        var accuracy = ReproductionTable(
            title: "Test accuracy on \(testCount) \(configuration.dataset) images (the paper's numbers are ViT-B/16 on ImageNet-1k)",
            columns: ["evaluation", "labels", "random encoder / scratch", "MAE", "paper, MAE ViT-B (ImageNet)"])
        accuracy.append(["linear probe, frozen encoder", "\(trainingCount)", percent(measurements.randomProbeAccuracy),
                         percent(measurements.probeAccuracy), "68.0 %"])
        for fraction in configuration.labelFractions {
            accuracy.append(["fine-tuning, \(ReproductionTable.format(100 * fraction)) % of labels", "\(measurements.labelCounts[fraction] ?? 0)",
                             percent(measurements.scratch[fraction] ?? .nan), percent(measurements.fineTuned[fraction] ?? .nan), "—"])
        }
        accuracy.append(["fine-tuning, all labels", "1.28M (paper only)", "82.3 % (paper)", "—", "83.6 %"])
        report.tables.append(accuracy)

        report.claims.append(Claim("MAE pre-training gives a better linear probe than a random encoder",
                                   ours: 100 * measurements.probeAccuracy, baseline: 100 * measurements.randomProbeAccuracy,
                                   holds: measurements.probeAccuracy > measurements.randomProbeAccuracy))
        for fraction in configuration.labelFractions {
            let (ours, baseline) = (measurements.fineTuned[fraction] ?? .nan, measurements.scratch[fraction] ?? .nan)
            report.claims.append(Claim("MAE-initialized fine-tuning beats training from scratch with \(ReproductionTable.format(100 * fraction)) % of labels",
                                       ours: 100 * ours, baseline: 100 * baseline, holds: ours > baseline))
        }
        report.pictures = [Outcome.lossFileName, Outcome.reconstructionsFileName]
        report.notes = [
            "Accuracies in the claims are percentages; the paper's numbers are ImageNet-1k with ViT-B/16, ours Fashion-MNIST with a small ViT: compare directions, not values.",
            "Pre-training: mask ratio \(ReproductionTable.format(model.maskRatio)), AdamW β (0.9, 0.95), weight decay \(ReproductionTable.format(configuration.weightDecay)), "
                + "lr \(ReproductionTable.format(configuration.learningRate)) (base \(ReproductionTable.format(configuration.baseLearningRate)) × \(configuration.batchSize)/256), "
                + "warmup \(ReproductionTable.format(100 * configuration.warmupFraction)) % then cosine, random resized crops and flips, "
                + (model.normalizesPixelTargets ? "normalized" : "plain") + " pixel targets.",
            "Linear probe: BatchNorm1d without affine + Linear on the \(probePoolingDescription) features, SGD momentum 0.9 (MAE: LARS), \(configuration.probeEpochs) epochs.",
            "Fine-tuning: the class-token ViT, AdamW lr \(ReproductionTable.format(configuration.fineTuningLearningRate)), \(configuration.fineTuningSteps) steps per run, "
                + "the same crops and flips; no layer-wise decay, mixup, cutmix or drop path (MAE uses them). Scratch = the same ViT from its own initialization.",
        ]
        return report
    }

    /// The probe's pooling in words.
    var probePoolingDescription: String {
        switch configuration.probePooling {
        case .classToken: "class-token"
        case .patchMean: "mean patch-token"
        case .classTokenAndPatchMean: "class-token and mean patch-token"
        }
    }
}
