import ArgumentParser
import Foundation
import Zoo

/// `zoo reproduce dann`: Ganin et al.'s MNIST → MNIST-M experiment — source-only, DANN and
/// train-on-target, target accuracy beside the paper's Table 2, and the features before and after
/// adaptation as a 2-D PCA.
struct ReproduceDANNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dann", abstract: "DANN (Ganin et al. 2016): MNIST → MNIST-M, source-only vs DANN vs train-on-target.",
        discussion: "Writes report.md, report.json and features.svg; the last line printed is {\"claims\": [...]}.")

    @OptionGroup var options: ReproduceOptions
    @Option(help: "μ₀, the initial SGD learning rate (default: the paper's 0.01; 0.03 with --quick).")
    var learningRate: Double?
    @Option(help: "Steps per run (default: 300 with --quick, else 2000).")
    var steps: Int?
    @Option(help: "Runs per method (default: 1 with --quick, else 3).")
    var seeds: Int?

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        if let learningRate, !(learningRate > 0) { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
    }

    func run() throws {
        try options.run(paper: "dann", arguments: [argument("--learning-rate", learningRate), argument("--steps", steps),
                                                   argument("--seeds", seeds)]) { command, output in
            let start = ProgressBar.monotonicSeconds()
            var experiment = DigitsDomainAdaptation(scale: options.quick ? .quick : .standard, seed: options.seed,
                                                    dataDirectory: options.dataDirectory)
            if let learningRate { experiment.scale.learningRate = learningRate }
            if let steps { experiment.scale.steps = steps }
            if let seeds { experiment.scale.seedCount = seeds }
            let scale = experiment.scale
            print("DANN, MNIST → MNIST-M: \(scale.seedCount) seed(s) × 3 methods, \(scale.steps) steps of \(scale.batchSize) + \(scale.batchSize) images, \(options.threads) threads")
            var (report, picture, _) = try experiment.run(command: command) { line in print(line) }
            report.seconds = ProgressBar.monotonicSeconds() - start
            try report.write(to: output)
            try picture.write(to: output.appendingPathComponent("features.svg"))
            for table in report.tables.prefix(1) { print(table.markdown) }
            return report
        }
    }
}
