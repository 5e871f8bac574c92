import Foundation
import Testing
@testable import Zoo

/// The checks behind `zoo train` and `zoo evaluate`'s argument errors: each names what is wrong
/// and what would be right.
@Suite("Command line: settings, registries, dataset errors")
struct CommandLineTests {
    @Test func settingsOutOfRangeNameTheirOption() {
        func message(_ change: (inout TrainingConfiguration) -> Void) -> String? {
            var configuration = TrainingConfiguration(model: "mlp", dataset: "mnist")
            change(&configuration)
            do { try configuration.validate(); return nil } catch { return "\(error)" }
        }
        #expect(message { _ in } == nil)
        #expect(message { $0.epochs = 0 } == "--epochs must be at least 1, got 0")
        #expect(message { $0.batchSize = -2 }?.hasPrefix("--batch-size") == true)
        #expect(message { $0.learningRate = .nan }?.hasPrefix("--learning-rate") == true)
        #expect(message { $0.momentum = 1 }?.hasPrefix("--momentum") == true)
        #expect(message { $0.trainingLimit = 0 }?.hasPrefix("--limit-train") == true)
        #expect(message { $0.threads = 0 }?.hasPrefix("--threads") == true)
    }

    @Test func optimizerAndScheduleNamesParseOrListTheChoices() throws {
        #expect(try OptimizerKind.parse("AdamW") == .adamw)
        #expect(try ScheduleKind.parse("warmup-cosine") == .warmupCosine)
        let error = try #require(throws: TrainingError.self) { try OptimizerKind.parse("rmsprop") }
        #expect(error.description == "unknown optimizer 'rmsprop'; choose one of sgd, adam, adamw")
        #expect(throws: TrainingError.self) { try ScheduleKind.parse("linear") }
    }

    @Test func schedulesSpanTheWholeRun() {
        var configuration = TrainingConfiguration(model: "mlp", dataset: "mnist")
        configuration.epochs = 4
        configuration.schedule = .step
        let step = configuration.makeSchedule(stepsPerEpoch: 10)
        #expect(step.learningRate(at: 19, initial: 1) == 1)
        #expect(abs(step.learningRate(at: 20, initial: 1) - 0.1) < 1e-12)
        #expect(abs(step.learningRate(at: 30, initial: 1) - 0.01) < 1e-12)
        configuration.schedule = .warmupCosine
        let warmup = configuration.makeSchedule(stepsPerEpoch: 10)
        #expect(warmup.learningRate(at: 5, initial: 1) == 0.5)
        #expect(warmup.learningRate(at: 10, initial: 1) == 1)
        #expect(abs(warmup.learningRate(at: 40, initial: 1)) < 1e-12)
    }

    @Test func configurationsRoundTripThroughJSON() throws {
        var configuration = TrainingConfiguration(model: "resnet20", dataset: "fashion-mnist-32")
        configuration.schedule = .warmupCosine
        configuration.trainingLimit = 500
        #expect(try TrainingConfiguration(json: configuration.json) == configuration)
    }

    @Test func unknownNamesListTheKnownOnes() throws {
        let model = try #require(throws: RegistryError.self) { try ModelRegistry.standard.model(named: "resnet7") }
        #expect(model.description.hasPrefix("unknown model 'resnet7'. Known models: mlp, mlp-small"))
        let dataset = try #require(throws: RegistryError.self) { try DatasetRegistry.standard.dataset(named: "svhn") }
        #expect(dataset.description.contains("fashion-mnist-32"))
        #expect(try DatasetRegistry.standard.dataset(named: "fashion-mnist-32x3").sampleShape == [3, 32, 32])
    }

    @Test func aMissingDatasetSaysHowToInstallIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(throws: DatasetError.self) {
            _ = try DatasetRegistry.standard.dataset(named: "fashion-mnist").load(.train, dataDirectory: directory.url)
        }
        #expect(error.description.contains("scripts/install-data --data-dir"))
        let configuration = TrainingConfiguration(model: "mlp", dataset: "digits")
        #expect(throws: DatasetError.self) {
            _ = try TrainingRun(configuration: configuration, dataDirectory: directory.url, outputDirectory: nil)
        }
    }

    @Test func setsWithoutASplitHoldOutEveryFifthImage() {
        let pixels = Tensor<UInt8>(shape: [10, 1, 2, 2], scalars: (0..<40).map { UInt8($0) })
        let images = LabeledImages(pixels: pixels, labels: Array(0..<10), maximumValue: 40)
        let test = images.holdingOutEveryFifth(.test), training = images.holdingOutEveryFifth(.train)
        #expect(test.labels == [0, 5])
        #expect(training.labels == [1, 2, 3, 4, 6, 7, 8, 9])
        #expect(test.pixels.scalars == [0, 1, 2, 3, 20, 21, 22, 23])
        #expect(images.evenlySpaced(3).labels == [0, 3, 6] && images.evenlySpaced(99).count == 10)
    }

    @Test(.enabled(if: FileManager.default.fileExists(
        atPath: DataDirectory.defaultURL.appendingPathComponent("digits/digits.csv.gz").path)))
    func oneEpochOnInstalledDigitsBeatsChance() throws {
        let run = try oneEpochOfSmallPerceptron(on: "digits")
        #expect(run.trainingLoader.dataset.count == 1437 && run.testLoader.dataset.count == 360)
        #expect(try run.train().testAccuracy > 0.6)  // chance: 0.1
    }

    /// One epoch of `mlp-small` on an installed dataset, on the calling thread.
    func oneEpochOfSmallPerceptron(on dataset: String) throws -> TrainingRun<LabeledImages, LabeledImages> {
        var configuration = TrainingConfiguration(model: "mlp-small", dataset: dataset)
        configuration.epochs = 1
        configuration.batchSize = 32
        configuration.learningRate = 0.05
        configuration.loaderWorkers = 0
        return try TrainingRun(configuration: configuration, outputDirectory: nil)
    }

    /// The CI smoke test of Zoo I: one epoch of a tiny configuration on real MNIST images (the 5k
    /// subset) must learn far above chance. CI installs the data, so this runs there.
    @Test(.enabled(if: FileManager.default.fileExists(
        atPath: DataDirectory.defaultURL.appendingPathComponent("mnist-5k/mnist_5k.csv.gz").path)))
    func oneEpochOnTheMNISTSubsetLearnsFarAboveChance() throws {
        let run = try oneEpochOfSmallPerceptron(on: "mnist-5k")
        #expect(run.trainingLoader.dataset.count == 4000 && run.testLoader.dataset.count == 1000)
        #expect(try run.train().testAccuracy > 0.8)  // chance: 0.1
    }
}
