import Foundation

/// What `zoo reproduce resnet` writes: the tables beside the paper's numbers, the three claims
/// with honest verdicts, and the training-error curves drawn like the paper's Fig. 6.

extension ResNetReproduction {
    /// The paper's CIFAR-10 test errors in percent, as the tables show them: ResNet-20 and -56
    /// from Table 6, the plain networks read approximately off Fig. 6 (left).
    public static func paperTestError(of network: Network) -> String {
        switch (network.residual, network.depth) {
        case (true, 20): return "8.75"
        case (true, 32): return "7.51"
        case (true, 44): return "7.17"
        case (true, 56): return "6.97"
        case (true, 110): return "6.43"
        case (false, 20): return "≈ 10 (≈ from Fig. 6)"
        case (false, 56): return "≈ 13 (≈ from Fig. 6)"
        default: return "—"
        }
    }

    /// The result of a reproduction: the measurements, the report and the figure.
    public struct Outcome: Sendable {
        /// The settings the networks were trained with.
        public var configuration: Configuration
        /// One result per network, in `configuration.networks`' order.
        public var results: [NetworkResult]
        /// The training and test images used (after the limits).
        public var trainingImageCount: Int, testImageCount: Int
        /// The tables, claims and notes, ready to write and print.
        public var report: ReproductionReport

        /// Builds the report from the measurements.
        public init(configuration: Configuration, results: [NetworkResult], command: String,
                    trainingImageCount: Int, testImageCount: Int, seconds: Double?) {
            self.configuration = configuration
            self.results = results
            self.trainingImageCount = trainingImageCount
            self.testImageCount = testImageCount
            report = ReproductionReport(paper: "He et al., Deep Residual Learning for Image Recognition, CVPR 2016 (Fig. 6)",
                                        command: command)
            report.seconds = seconds
            report.notes = notes
            report.tables = [finalTable, curveTable]
            report.claims = claims
            report.pictures = [Self.figureFileName]
        }

        /// The result of `network`.
        public func result(of network: Network) -> NetworkResult? {
            results.first { $0.network == network }
        }

        /// The file the training-error curves are written to.
        public static let figureFileName = "training-error.svg"

        /// The final errors beside the paper's: one row per network.
        public var finalTable: ReproductionTable {
            var table = ReproductionTable(
                title: "Final errors (%) after \(configuration.epochs) epochs on \(configuration.dataset)",
                columns: ["model", "depth", "parameters", "training error", "running training error", "test error",
                          "paper: CIFAR-10 test error"])
            for result in results {
                table.append([result.network.name, "\(result.network.depth)", "\(result.parameterCount)",
                              Self.percent(result.finalTrainingError), Self.percent(result.runningTrainingErrors.last ?? .nan),
                              Self.percent(result.testError), ResNetReproduction.paperTestError(of: result.network)])
            }
            return table
        }

        /// The training error of every network after each epoch: the curves as numbers.
        public var curveTable: ReproductionTable {
            var table = ReproductionTable(title: "Training error (%) after each epoch (evaluation mode, no augmentation)",
                                          columns: ["epoch"] + results.map(\.network.name))
            for epoch in 0..<configuration.epochs {
                table.append(["\(epoch + 1)"] + results.map { Self.percent($0.trainingErrors[epoch]) })
            }
            return table
        }

        /// Fig. 6's three comparisons on the final training error, in percent.
        public var claims: [Claim] {
            let networks = configuration.networks
            guard let plainShallow = result(of: networks[0]), let plainDeep = result(of: networks[1]),
                  let residualShallow = result(of: networks[2]), let residualDeep = result(of: networks[3]) else { return [] }
            let (p1, p2) = (100 * plainShallow.finalTrainingError, 100 * plainDeep.finalTrainingError)
            let (r1, r2) = (100 * residualShallow.finalTrainingError, 100 * residualDeep.finalTrainingError)
            return [
                Claim("\(networks[1].name) has a higher training error than \(networks[0].name)", ours: p2, baseline: p1, holds: p2 > p1),
                Claim("\(networks[3].name) has a training error no higher than \(networks[2].name)'s", ours: r2, baseline: r1, holds: r2 <= r1),
                Claim("\(networks[3].name) trains to a lower error than \(networks[1].name)", ours: r2, baseline: p2, holds: r2 < p2),
            ]
        }

        /// The scale of the run and how it differs from the paper's.
        var notes: [String] {
            let augmentation = configuration.augmentation.map {
                "random crops of the image padded by \($0.padding)" + ($0.flipsHorizontally ? " and horizontal flips" : "")
            } ?? "no augmentation"
            return [
                "\(trainingImageCount) training images spread evenly over \(configuration.dataset)'s training set, "
                    + "\(testImageCount) test images; \(configuration.epochs) epochs, batch \(configuration.batchSize), "
                    + "SGD lr \(configuration.learningRate) momentum \(configuration.momentum) weight decay \(configuration.weightDecay), "
                    + (configuration.warmupEpochs > 0 ? "\(configuration.warmupEpochs) epoch(s) of linear warm-up, then a " : "")
                    + "cosine schedule, \(augmentation); seed \(configuration.seed). Every network sees the same batches, "
                    + "and a plain and a residual network of one depth start from the same weights.",
                "Training error: evaluation mode (batch-norm running statistics) on "
                    + (configuration.trainingErrorImages.map { "\(Swift.min($0, trainingImageCount)) of the training images" } ?? "the training images")
                    + " without augmentation, after each epoch. Running training error: training mode, over the last epoch's augmented batches.",
                "The paper trains on CIFAR-10 for 64k iterations (about 164 epochs) with weight decay 1e-4 and lr ÷10 at "
                    + "32k and 48k; this run is a small fraction of that budget on Fashion-MNIST padded to 32×32, so "
                    + "compare the ordering of the networks, not the numbers.",
                "The verdicts come from one seed: differences of a fraction of a percent are within seed-to-seed noise.",
                "Training throughput with \(configuration.threads) threads (varies from run to run): "
                    + results.map { "\($0.network.name) " + String(format: "%.0f img/s", $0.imagesPerSecond) }.joined(separator: ", ") + ".",
            ]
        }

        /// The training error against the epoch: plain networks on the left, ResNets on the
        /// right, the shallow and deep network in each (Fig. 6's layout), on one y scale.
        public var figure: SVGFigure {
            let highest = results.flatMap(\.trainingErrors).map { 100 * $0 }.filter(\.isFinite).max() ?? 100
            let yRange = 0...Swift.max(1, (highest * 1.1).rounded(.up))
            func panel(residual: Bool) -> LinePlot {
                var plot = LinePlot(title: residual ? "ResNets" : "plain networks", xLabel: "epoch",
                                    yLabel: "training error (%)", yRange: yRange)
                plot.minimumXStep = 1
                for result in results where result.network.residual == residual {
                    let color = result.network.depth == configuration.deepDepth ? LinePlot.palette[3] : LinePlot.palette[1]
                    plot.add(LinePlot.Series(name: result.network.name,
                                             points: result.trainingErrors.enumerated().map { (Double($0.offset + 1), 100 * $0.element) },
                                             color: color))
                }
                return plot
            }
            return SVGFigure(panels: [panel(residual: false), panel(residual: true)])
        }

        /// The tables as text for the terminal.
        public var tablesText: String {
            report.tables.map(\.markdown).joined(separator: "\n\n")
        }

        /// Writes `report.md`, `report.json` and `training-error.svg` into `directory`.
        ///
        /// - Throws: the file system's error when the folder cannot be written.
        public func write(to directory: URL) throws {
            try report.write(to: directory)
            try figure.write(to: directory.appendingPathComponent(Self.figureFileName))
        }

        /// A fraction in `[0, 1]` as a percentage with two decimals.
        static func percent(_ fraction: Double) -> String {
            fraction.isFinite ? String(format: "%.2f", 100 * fraction) : "\(fraction)"
        }
    }
}
