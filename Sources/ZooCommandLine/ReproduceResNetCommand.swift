import ArgumentParser
import Foundation
import Zoo

/// `zoo reproduce resnet`: He et al.'s Fig. 6 — plain-20, plain-56, ResNet-20 and ResNet-56
/// trained with one budget on Fashion-MNIST at 32×32 — as a table, curves and three verdicts.
struct ReproduceResNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resnet", abstract: "Deeper plain nets train worse, deeper ResNets do not (He et al. 2016, Fig. 6).",
        discussion: "Trains plain-20, plain-56, ResNet-20 and ResNet-56 with one budget and compares their training errors. "
            + "Default: 3,000 images for 8 epochs (about half an hour on two cores); --quick: 320 images for 2 epochs.")

    @OptionGroup var options: ReproduceOptions
    @Option(help: "Training images, spread evenly over the training set (default: 3000; --quick: 320).")
    var trainingImages: Int?
    @Option(help: "Passes over the training images (default: 8; --quick: 2).")
    var epochs: Int?
    @Option(help: "Epochs of linear learning-rate warm-up before the cosine schedule (default: 1; 0: none).")
    var warmupEpochs: Int?
    @Flag(help: "Train without the random crops and flips.")
    var noAugmentation = false

    /// The reproduction's settings from the options.
    func makeConfiguration() throws -> ResNetReproduction.Configuration {
        var configuration = options.quick ? ResNetReproduction.Configuration.quick : .standard
        configuration.seed = options.seed
        configuration.threads = options.threads
        if let trainingImages { configuration.trainingImages = trainingImages }
        if let epochs { configuration.epochs = epochs }
        if let warmupEpochs { configuration.warmupEpochs = warmupEpochs }
        if noAugmentation { configuration.augmentation = nil }
        do { try configuration.validate() } catch { throw ValidationError("\(error)") }
        return configuration
    }

    func validate() throws {
        _ = try makeConfiguration()
    }

    func run() throws {
        let configuration = try makeConfiguration()
        try options.run(paper: "resnet", arguments: [argument("--training-images", trainingImages), argument("--epochs", epochs),
                                                     argument("--warmup-epochs", warmupEpochs), noAugmentation ? "--no-augmentation" : nil]) { command, output in
            print("reproducing He et al. Fig. 6 on \(configuration.dataset): "
                  + configuration.networks.map(\.name).joined(separator: ", ")
                  + ", \(configuration.trainingImages.map(String.init) ?? "all") training images × \(configuration.epochs) epochs, "
                  + "\(configuration.threads) threads → \(output.path)")
            let outcome = try ResNetReproduction(configuration).run(
                command: command, dataDirectory: options.dataDirectory, progress: .standardError) { line in
                print(line)
                fflush(nil)  // a run of half an hour is often sent to a file: show each epoch as it ends
            }
            try outcome.write(to: output)
            print("")
            print(outcome.tablesText)
            print("")
            for claim in outcome.report.claims {
                print("\(claim.claim): " + String(format: "%.2f %% vs %.2f %%", claim.ours, claim.baseline)
                      + (claim.holds ? " → holds" : " → does not hold"))
            }
            print(outcome.report.notes.last ?? "")
            print("wrote \(output.appendingPathComponent("report.md").path) and \(ResNetReproduction.Outcome.figureFileName)")
            return outcome.report
        }
    }
}
