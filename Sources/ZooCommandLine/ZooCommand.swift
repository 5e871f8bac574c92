import ArgumentParser
import Foundation
import Zoo

/// The `zoo` command line: `zoo list`, `zoo train <model> --dataset <name>`,
/// `zoo evaluate <checkpoint> --dataset <name>`.
@main
struct ZooCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "Train and evaluate the Gradus model zoo on the installed datasets.",
        discussion: "Install the datasets first with scripts/install-data. Start with: zoo train mlp --dataset mnist-5k --epochs 3 (seconds), then zoo train resnet8 --dataset mnist --epochs 3 (minutes, 99 %)",
        subcommands: [ListCommand.self, TrainCommand.self, EvaluateCommand.self, ReproduceCommand.self]
    )
}

/// Writes `zoo <command>: error: <error>` to standard error.
func reportError(_ error: Error, command: String) {
    FileHandle.standardError.write(Data("zoo \(command): error: \(error)\n".utf8))
}
