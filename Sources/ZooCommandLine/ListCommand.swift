import ArgumentParser
import Foundation
import Zoo

/// `zoo list`: the models, datasets, optimizers and schedules `zoo train` accepts.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the models, datasets, optimizers and schedules.")

    func run() {
        func padded(_ text: String, _ width: Int) -> String {
            text.padding(toLength: max(width, text.count + 1), withPad: " ", startingAt: 0)
        }
        print("Models:")
        for entry in ModelRegistry.standard.entries {
            print("  " + padded(entry.name, 20) + entry.summary)
        }
        print("\nDatasets (shape of one image, classes):")
        for entry in DatasetRegistry.standard.entries {
            let shape = entry.sampleShape.map(String.init).joined(separator: "×")
            print("  " + padded(entry.name, 20) + padded("\(shape), \(entry.classCount)", 14) + entry.summary)
        }
        print("\nOptimizers: " + OptimizerKind.allCases.map(\.rawValue).joined(separator: ", "))
        print("Schedules:  " + ScheduleKind.allCases.map(\.rawValue).joined(separator: ", "))
    }
}
