import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Zoo

/// 64 samples `[1, 4, 4]` of 4 classes: class `c` lights pixel `c` above small noise, so a
/// perceptron separates them within a few steps.
func synthetic(count: Int = 64, seed: UInt64 = 3) -> TensorDataset<Float> {
    var generator = PhiloxGenerator(seed: seed)
    let labels = (0..<count).map { $0 % 4 }
    var pixels = Tensor<Float>.uniform([count, 16], low: 0, high: 0.1, using: &generator).scalars
    for (index, label) in labels.enumerated() { pixels[index * 16 + label] += 1 }
    return TensorDataset(features: Tensor(shape: [count, 1, 4, 4], scalars: pixels), labels: Tensor(labels))
}

/// A quick configuration: `mlp-small`, batch 16 (4 steps per epoch), Adam, no worker threads.
func quickConfiguration(epochs: Int, schedule: ScheduleKind = .cosine) -> TrainingConfiguration {
    var configuration = TrainingConfiguration(model: "mlp-small", dataset: "synthetic")
    configuration.epochs = epochs
    configuration.batchSize = 16
    configuration.optimizer = .adam
    configuration.learningRate = 0.01
    configuration.schedule = schedule
    configuration.weightDecay = 0
    configuration.seed = 11
    configuration.loaderWorkers = 0
    return configuration
}

/// A run of `configuration` on the synthetic data, writing to `directory`.
func quickRun(_ configuration: TrainingConfiguration, in directory: URL?) throws -> TrainingRun<TensorDataset<Float>, TensorDataset<Float>> {
    var generator = PhiloxGenerator(seed: configuration.seed)
    let model = try ModelRegistry.standard.model(named: "mlp-small")
        .build(for: ModelInput(sampleShape: [1, 4, 4], classCount: 4), using: &generator)
    return try TrainingRun(configuration: configuration, model: model, trainingData: synthetic(),
                           testData: synthetic(count: 32, seed: 4), outputDirectory: directory)
}

@Suite("Trainer: epochs, metrics.csv, checkpoints, resuming, curves, summary")
struct TrainerTests {
    @Test func twoEpochsWriteMetricsCheckpointsCurvesAndSummary() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var lines: [String] = []
        let summary = try quickRun(quickConfiguration(epochs: 2), in: directory.url).train { lines.append($0) }

        let csv = try String(contentsOf: directory.url.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        #expect(rows.first == "epoch,step,trainLoss,trainAccuracy,testAccuracy,seconds")
        #expect(rows.count == 3)
        let history = try TrainingHistory(csv: csv)
        #expect(history.records.map(\.epoch) == [1, 2])
        #expect(history.records.map(\.step) == [4, 8])
        #expect(history.records[1].trainLoss < history.records[0].trainLoss)
        #expect(history.records.allSatisfy { (0...1).contains($0.testAccuracy) && $0.seconds > 0 })
        #expect(lines.count == 2 && lines[1].hasPrefix("epoch 2/2: train loss"))

        for epoch in [1, 2] {
            #expect(FileManager.default.fileExists(atPath: TrainingRun<TensorDataset<Float>, TensorDataset<Float>>
                .checkpointURL(epoch: epoch, in: directory.url).path))
        }

        let svg = try String(contentsOf: directory.url.appendingPathComponent("curves.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline class=\"series\"").count - 1 == 3)  // train loss, train and test accuracy
        #expect(XMLParser(data: Data(svg.utf8)).parse())

        let json = try #require(JSONSerialization.jsonObject(with: Data(summary.jsonLine.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["model", "dataset", "epochs", "testAccuracy", "imagesPerSecond", "peakMemoryMiB", "seconds"])
        #expect(json["model"] as? String == "mlp-small")
        #expect(json["epochs"] as? Int == 2)
        let testAccuracy = try #require(json["testAccuracy"] as? Double)
        #expect(testAccuracy == history.records[1].testAccuracy && testAccuracy > 0.5)  // chance: 0.25
        #expect((json["imagesPerSecond"] as? Double ?? 0) > 0)
        #expect((json["peakMemoryMiB"] as? Double ?? 0) > 1)
    }

    @Test func resumingFromACheckpointEqualsNeverStopping() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let uninterrupted = try quickRun(quickConfiguration(epochs: 2, schedule: .constant), in: nil)
        try uninterrupted.train()

        try quickRun(quickConfiguration(epochs: 1, schedule: .constant), in: directory.url).train()
        let resumed = try quickRun(quickConfiguration(epochs: 2, schedule: .constant), in: directory.url)
        try resumed.resume(from: TrainingRun<TensorDataset<Float>, TensorDataset<Float>>.checkpointURL(epoch: 1, in: directory.url))
        #expect(resumed.history.records.map(\.epoch) == [1])
        #expect(resumed.optimizer.step == 4)
        let summary = try resumed.train()

        #expect(summary.epochs == 2)
        #expect(resumed.history.records.map(\.step) == [4, 8])
        for ((name, expected), (_, actual)) in zip(uninterrupted.model.namedParameters(), resumed.model.namedParameters()) {
            #expect(expected.value.scalars == actual.value.scalars, "parameter \(name)")
        }
        let csv = try String(contentsOf: directory.url.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(try TrainingHistory(csv: csv).records.map(\.epoch) == [1, 2])
    }

    @Test func resumingRefusesACheckpointOfAnotherModel() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try quickRun(quickConfiguration(epochs: 1), in: directory.url).train()
        var other = quickConfiguration(epochs: 2)
        other.model = "mlp-other"  // the same architecture under another name: refused by name, not by shape
        let run = try quickRun(other, in: nil)
        let url = TrainingRun<TensorDataset<Float>, TensorDataset<Float>>.checkpointURL(epoch: 1, in: directory.url)
        let error = try #require(throws: TrainingError.self) { try run.resume(from: url) }
        #expect(error.description.contains("model 'mlp-small'") && error.description.contains("'mlp-other'"))

        #expect(throws: TrainingError.self) {
            _ = try CheckpointEvaluation(checkpoint: url, dataset: "digits", expectedModel: "resnet20")
        }
    }

    @Test func checkpointsNotWrittenByATrainingRunAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("plain.safetensors")
        try Checkpoint(model: quickRun(quickConfiguration(epochs: 1), in: nil).model).write(to: url)
        let error = try #require(throws: TrainingError.self) { _ = try RunRecord(Checkpoint(contentsOf: url)) }
        #expect(error.description.contains("not written by `zoo train`"))
    }

    @Test func onlyTheLatestCheckpointsAreKept() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = quickConfiguration(epochs: 3)
        configuration.keptCheckpoints = 1
        try quickRun(configuration, in: directory.url).train()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.hasSuffix(".safetensors") }
        #expect(files == ["checkpoint-epoch-003.safetensors"])
    }

    @Test func theSummaryLineKeepsItsKeyOrderAndWritesNullForUnknownMemory() {
        let summary = TrainingSummary(model: "m\"x", dataset: "d", epochs: 3, testAccuracy: 0.5,
                                      imagesPerSecond: 1234.5, peakMemoryMiB: nil, seconds: 2)
        #expect(summary.jsonLine == #"{"model":"m\"x","dataset":"d","epochs":3,"testAccuracy":0.5,"imagesPerSecond":1234.5,"peakMemoryMiB":null,"seconds":2}"#)
    }
}
