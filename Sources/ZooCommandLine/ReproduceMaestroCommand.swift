import ArgumentParser
import Foundation
import Zoo

/// `zoo reproduce maestro`: ordered dropout recovers the SVD of a linear map, and an MLP trained
/// with Maestro keeps more accuracy at low ranks than SVD truncation of a normally trained one.
struct ReproduceMaestroCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maestro",
        abstract: "Horváth et al., Maestro (ICML 2024): SVD recovery by ordered dropout, accuracy against kept rank.")

    @OptionGroup var options: ReproduceOptions
    @Option(help: "The dataset of part (B) (a registry name, e.g. fashion-mnist or mnist).")
    var dataset = "fashion-mnist"

    func run() throws {
        var settings = options.quick ? MaestroReproductionSettings.quick : MaestroReproductionSettings()
        settings.seed = options.seed
        settings.dataset = dataset
        settings.dataDirectory = options.dataDirectory
        try options.run(paper: "maestro", arguments: [dataset == "fashion-mnist" ? nil : "--dataset \(dataset)"]) { command, output in
            let report = try reproduceMaestro(settings, command: command, outputDirectory: output) {
                print($0)
                fflush(nil)  // progress shows as it happens, also when piped to a file (nil: every stream)
            }
            try report.write(to: output)
            return report
        }
    }
}
