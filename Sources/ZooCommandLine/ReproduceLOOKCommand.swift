import ArgumentParser
import Foundation
import Zoo

/// `zoo reproduce look`: Feng et al.'s LOOK against cross-entropy — pre-train on Fashion-MNIST's
/// four coarse classes, transfer to its ten fine classes — as tables and verdicts.
struct ReproduceLOOKCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "look", abstract: "LOOK keeps intra-class diversity and transfers at least as well as cross-entropy (Feng et al. 2022).",
        discussion: "Pre-trains a small CNN on 4 coarse Fashion-MNIST labels with cross-entropy and with LOOK, then measures linear probes "
            + "with few labels, kNN accuracy and the variance ratio on the 10 fine labels. Default: 20,000 images × 8 epochs, 3 seeds; "
            + "--quick: 3,000 images × 2 epochs, 1 seed.")

    @OptionGroup var options: ReproduceOptions
    @Option(help: "Training images, spread evenly over the training set (default: 20000; --quick: 3000).")
    var trainingImages: Int?
    @Option(help: "Passes over the training images (default: 8; --quick: 2).")
    var epochs: Int?
    @Option(help: "Repetitions with consecutive seeds (default: 3; --quick: 1).")
    var seeds: Int?

    /// The reproduction's settings from the options.
    func makeConfiguration() throws -> LOOKReproduction.Configuration {
        var configuration = options.quick ? LOOKReproduction.Configuration.quick : .standard
        configuration.seed = options.seed
        configuration.threads = options.threads
        if let trainingImages { configuration.trainingImages = trainingImages }
        if let epochs { configuration.epochs = epochs }
        if let seeds { configuration.seedCount = seeds }
        do { try configuration.validate() } catch { throw ValidationError("\(error)") }
        return configuration
    }

    func validate() throws {
        _ = try makeConfiguration()
    }

    func run() throws {
        let configuration = try makeConfiguration()
        try options.run(paper: "look", arguments: [argument("--training-images", trainingImages), argument("--epochs", epochs),
                                                   argument("--seeds", seeds)]) { command, output in
            print("reproducing LOOK vs cross-entropy on \(configuration.dataset) (4 coarse → 10 fine labels): "
                  + "\(configuration.trainingImages.map(String.init) ?? "all") images × \(configuration.epochs) epochs, "
                  + "\(configuration.seedCount) seed(s), \(configuration.threads) threads → \(output.path)")
            let (report, _) = try LOOKReproduction(configuration).run(
                command: command, dataDirectory: options.dataDirectory) { print($0) }
            try report.write(to: output)
            print("")
            print(LOOKReproduction.text(of: report))
            print("")
            for claim in report.claims {
                print("\(claim.claim): " + String(format: "%.4f vs %.4f", claim.ours, claim.baseline)
                      + (claim.holds ? " → holds" : " → does not hold"))
            }
            print(String(format: "%.0f s; wrote ", report.seconds ?? 0) + output.appendingPathComponent("report.md").path)
            return report
        }
    }
}
