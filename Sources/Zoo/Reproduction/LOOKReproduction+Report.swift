import Foundation

/// The tables and claims of `zoo reproduce look`.
extension LOOKReproduction {
    /// The report: a transfer table (mean ± std over seeds), the variance ratio per coarse
    /// class, every seed's numbers, and one claim per measure.
    func makeReport(_ measurements: [Measurement], command: String, trainingCount: Int, testCount: Int) -> ReproductionReport {
        var report = ReproductionReport(
            paper: "Feng et al., Rethinking Supervised Pre-training for Better Downstream Transferring (LOOK), ICLR 2022",
            command: command)
        let c = configuration
        report.notes = [
            "Pre-training on 4 coarse labels of \(c.dataset): tops = {T-shirt 0, pullover 2, dress 3, coat 4, shirt 6}, "
                + "bottoms = {trouser 1}, footwear = {sandal 5, sneaker 7, ankle boot 9}, bags = {bag 8}; transfer to the 10 fine labels.",
            "Backbone: a 3-conv CNN (16/32/64 channels, 64-d features); \(trainingCount) training images × \(c.epochs) epochs, "
                + "batch \(c.batchSize), SGD lr \(c.learningRate) momentum \(c.momentum) wd \(c.weightDecay), cosine schedule, no augmentation.",
            "LOOK: k = \(c.neighbourCount), τ = \(c.temperature), 128-d MLP head, memory bank of \(c.bankCapacity) rows written by a "
                + "momentum encoder (m = \(c.encoderMomentum)); the query's own image is excluded by dataset index.",
            "Measured on \(testCount) test images with frozen backbone features: linear probe (BatchNorm without affine + linear, "
                + "SGD 100 epochs) on \(c.labelsPerClass.map(String.init).joined(separator: " / ")) labelled images per fine class; "
                + "cosine kNN (k = \(c.knnNeighbours), weights exp(s/0.07)) with every training image as reference; "
                + "variance ratio = within-coarse-class / between-coarse-class variance of the unit-normalized features.",
            "Paper: LOOK transfers better than cross-entropy, SupCon and self-supervised pre-training (its tables could not be "
                + "checked offline). ZOO.md calibration (synthetic 4 × 4 clusters): variance ratio CE 0.45 vs LOOK 2.20, fine probe 0.78 vs 0.82.",
            "\(c.seedCount) seed\(c.seedCount == 1 ? "" : "s") (\(c.seed)…\(c.seed + UInt64(c.seedCount - 1))): mean ± sample std.",
        ]
        func values(_ method: Method, _ measure: (Measurement) -> Double) -> [Double] {
            measurements.filter { $0.method == method }.map(measure)
        }
        func cell(_ method: Method, _ measure: (Measurement) -> Double) -> String {
            ReproductionTable.meanAndDeviation(values(method, measure))
        }

        // Transfer to the fine labels.
        let probeColumns = c.labelsPerClass.map { "probe \($0)/class" }
        var transfer = ReproductionTable(title: "Transfer to the 10 fine labels (test accuracy) and intra-class diversity",
                                         columns: ["pre-training"] + probeColumns + ["kNN fine", "kNN coarse", "variance ratio"])
        for method in Method.allCases {
            transfer.append([method.rawValue]
                + c.labelsPerClass.indices.map { position in cell(method) { $0.probeAccuracies[position] } }
                + [cell(method) { $0.knnAccuracy }, cell(method) { $0.coarseKNNAccuracy }, cell(method) { $0.varianceRatio }])
        }
        transfer.append(["paper / calibration"] + c.labelsPerClass.map { _ in "LOOK ≥ CE (0.82 vs 0.78)" }
            + ["LOOK ≥ CE", "—", "LOOK > CE (2.20 vs 0.45)"])
        report.tables.append(transfer)

        // The variance ratio of each coarse class.
        var perClass = ReproductionTable(title: "Within-/between-class variance ratio per coarse class (test features)",
                                         columns: ["pre-training"] + Self.coarseClassNames)
        for method in Method.allCases {
            perClass.append([method.rawValue] + Self.coarseClassNames.indices.map { coarse in
                cell(method) { $0.varianceRatioByCoarseClass[coarse] }
            })
        }
        report.tables.append(perClass)

        // Every seed.
        var seeds = ReproductionTable(title: "Every seed", columns: ["pre-training", "seed"] + probeColumns + ["kNN fine", "kNN coarse", "variance ratio"])
        for measurement in measurements {
            seeds.append([measurement.method.rawValue, "\(measurement.seed)"]
                + measurement.probeAccuracies.map { String(format: "%.4f", $0) }
                + [measurement.knnAccuracy, measurement.coarseKNNAccuracy, measurement.varianceRatio].map { String(format: "%.4f", $0) })
        }
        report.tables.append(seeds)

        // The claims: LOOK against cross-entropy, means over seeds.
        func mean(_ method: Method, _ measure: (Measurement) -> Double) -> Double {
            ReproductionTable.statistics(of: values(method, measure)).mean
        }
        let lookRatio = mean(.look) { $0.varianceRatio }, ceRatio = mean(.crossEntropy) { $0.varianceRatio }
        report.claims.append(Claim("LOOK keeps more intra-class variance than cross-entropy (within/between variance ratio of the coarse classes)",
                                   ours: lookRatio, baseline: ceRatio, holds: lookRatio > ceRatio))
        for (position, perClass) in c.labelsPerClass.enumerated() {
            let look = mean(.look) { $0.probeAccuracies[position] }, ce = mean(.crossEntropy) { $0.probeAccuracies[position] }
            report.claims.append(Claim("LOOK transfers at least as well as cross-entropy: fine-label linear probe, \(perClass) labels per class",
                                       ours: look, baseline: ce, holds: look >= ce))
        }
        let lookKNN = mean(.look) { $0.knnAccuracy }, ceKNN = mean(.crossEntropy) { $0.knnAccuracy }
        report.claims.append(Claim("LOOK transfers at least as well as cross-entropy: fine-label kNN accuracy",
                                   ours: lookKNN, baseline: ceKNN, holds: lookKNN >= ceKNN))
        return report
    }

    /// The tables as plain text for the terminal.
    public static func text(of report: ReproductionReport) -> String {
        report.tables.map(\.markdown).joined(separator: "\n\n")
    }
}
