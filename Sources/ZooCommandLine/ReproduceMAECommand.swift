import ArgumentParser
import Foundation
import Zoo

/// `zoo reproduce mae`: He et al. 2022 — a small masked autoencoder pre-trained on Fashion-MNIST
/// without labels, judged by a linear probe and by fine-tuning with few labels.
struct ReproduceMAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mae", abstract: "Masked autoencoders learn features without labels (He et al. 2022).",
        discussion: "Pre-trains a small MAE on Fashion-MNIST images, then compares a linear probe on its encoder with one on a "
            + "random encoder, and fine-tuning from it with 1 % and 10 % of the labels with training from scratch. "
            + "Writes loss.svg and reconstructions.png beside the report. "
            + "Default: 60,000 images for 10 epochs (well under an hour on two cores); --quick: 4,000 images for 3 epochs.")

    @OptionGroup var options: ReproduceOptions
    @Option(help: "Training images, spread evenly over the training set (default: 60000; --quick: 4000).")
    var trainingImages: Int?
    @Option(help: "Pre-training epochs (default: 10; --quick: 3).")
    var epochs: Int?
    @Option(help: "Fine-tuning steps per run (default: 600; --quick: 50).")
    var fineTuningSteps: Int?

    /// The reproduction's settings from the options.
    func makeConfiguration() throws -> MAEReproduction.Configuration {
        var configuration = options.quick ? MAEReproduction.Configuration.quick : .standard
        configuration.seed = options.seed
        configuration.threads = options.threads
        if let trainingImages { configuration.trainingImages = trainingImages }
        if let epochs { configuration.pretrainingEpochs = epochs }
        if let fineTuningSteps { configuration.fineTuningSteps = fineTuningSteps }
        do { try configuration.validate() } catch { throw ValidationError("\(error)") }
        return configuration
    }

    func validate() throws {
        _ = try makeConfiguration()
    }

    func run() throws {
        let configuration = try makeConfiguration()
        try options.run(paper: "mae", arguments: [argument("--training-images", trainingImages), argument("--epochs", epochs),
                                                  argument("--fine-tuning-steps", fineTuningSteps)]) { command, output in
            print("reproducing MAE on \(configuration.dataset): \(configuration.trainingImages) images × "
                  + "\(configuration.pretrainingEpochs) epochs of pre-training, \(configuration.threads) threads → \(output.path)")
            let outcome = try MAEReproduction(configuration).run(command: command, dataDirectory: options.dataDirectory) { print($0) }
            try outcome.write(to: output)
            print("")
            print(outcome.tablesText)
            print(String(format: "%.1f s", outcome.report.seconds ?? 0))
            print("wrote \(output.appendingPathComponent("report.md").path), \(MAEReproduction.Outcome.lossFileName) and "
                  + MAEReproduction.Outcome.reconstructionsFileName)
            return outcome.report
        }
    }
}
