import Foundation
import Testing
@testable import Zoo

/// `count` images `[1, 8, 8]` of 4 classes: class `c` is a bright bar on row `2c + 1` over dim
/// noise, so the networks can learn them in a few steps.
func barImages(count: Int, seed: UInt64) -> LabeledImages {
    var generator = PhiloxGenerator(seed: seed)
    let labels = (0..<count).map { $0 % 4 }
    var pixels = Tensor<Float>.uniform([count * 64], low: 0, high: 60, using: &generator).scalars.map { UInt8($0) }
    for (index, label) in labels.enumerated() {
        for column in 1..<7 { pixels[index * 64 + (2 * label + 1) * 8 + column] = 255 }
    }
    return LabeledImages(pixels: Tensor(shape: [count, 1, 8, 8], scalars: pixels), labels: labels)
}

/// Plain-8, plain-14, ResNet-8, ResNet-14 on 24 small images for 2 epochs of 2 steps, the
/// training error measured on 12 of them.
func tinyReproduction(seed: UInt64 = 5, threads: Int = 1) -> ResNetReproduction.Configuration {
    var configuration = ResNetReproduction.Configuration.quick
    configuration.dataset = "bars"
    configuration.shallowDepth = 8
    configuration.deepDepth = 14
    configuration.trainingImages = 24
    configuration.testImages = 8
    configuration.trainingErrorImages = 12
    configuration.epochs = 2
    configuration.batchSize = 12
    configuration.seed = seed
    configuration.threads = threads
    configuration.loaderWorkers = 0
    return configuration
}

/// A registry holding the bar images as `bars`, so the loading path runs without installed data.
let barRegistry = DatasetRegistry(entries: [
    DatasetEntry(name: "bars", summary: "bars", sampleShape: [1, 8, 8], classCount: 4) { split, _ in
        split == .train ? barImages(count: 48, seed: 1) : barImages(count: 16, seed: 2)
    },
])

@Suite("zoo reproduce resnet: He et al.'s Fig. 6 as tables, claims and curves")
struct ResNetReproductionTests {
    @Test("a tiny run writes the table rows, the three claims, the curves and the files")
    func tinyRunWritesEverything() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var lines: [String] = []
        let outcome = try ResNetReproduction(tinyReproduction())
            .run(command: "zoo reproduce resnet --seed 5", datasets: barRegistry) { lines.append($0) }
        try outcome.write(to: directory.url)

        #expect(outcome.trainingImageCount == 24 && outcome.testImageCount == 8)
        let report = outcome.report
        #expect(report.tables.count == 2)
        #expect(report.tables[0].rows.map { $0[0] } == ["plain-8", "plain-14", "ResNet-8", "ResNet-14"])
        #expect(report.tables[0].rows.map { $0[1] } == ["8", "14", "8", "14"])
        #expect(report.tables[1].rows.map { $0[0] } == ["1", "2"])
        #expect(report.notes.contains { $0.contains("on 12 of the training images without augmentation") })
        #expect(report.claims.map(\.claim) == [
            "plain-14 has a higher training error than plain-8",
            "ResNet-14 has a training error no higher than ResNet-8's",
            "ResNet-14 trains to a lower error than plain-14",
        ])
        for result in outcome.results {
            #expect(result.trainingErrors.count == 2 && result.runningTrainingErrors.count == 2)
            #expect((result.trainingErrors + [result.testError]).allSatisfy { (0...1).contains($0) })
            #expect(result.imagesPerSecond > 0)
        }
        // Option A shortcuts have no weights: plain and residual nets of one depth count the same.
        #expect(outcome.results[0].parameterCount == outcome.results[2].parameterCount)
        #expect(outcome.results[0].parameterCount < outcome.results[1].parameterCount)
        #expect(lines.filter { $0.contains("epoch") }.count == 8 && lines.filter { $0.contains("test error") }.count == 4)

        for file in ["report.md", "report.json", "training-error.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(file).path), "\(file) missing")
        }
        let markdown = try String(contentsOf: directory.url.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("| plain-14 | 14 |") && markdown.contains("![training-error.svg](training-error.svg)"))
        let svg = try String(contentsOf: directory.url.appendingPathComponent("training-error.svg"), encoding: .utf8)
        #expect(svg.contains("plain networks") && svg.contains("ResNets") && svg.contains("ResNet-14"))
        let line = try #require(try JSONSerialization.jsonObject(with: Data(report.jsonLine.utf8)) as? [String: Any])
        #expect((line["claims"] as? [[String: Any]])?.count == 3)
    }

    @Test("one seed gives identical tables and claims, whatever the thread count")
    func sameSeedSameTables() throws {
        let first = try ResNetReproduction(tinyReproduction(threads: 1)).run(command: "a", datasets: barRegistry)
        let second = try ResNetReproduction(tinyReproduction(threads: 2)).run(command: "a", datasets: barRegistry)
        #expect(first.report.tables == second.report.tables)
        #expect(first.report.claims == second.report.claims)
        #expect(first.figure.svg == second.figure.svg)
    }

    @Test("the verdicts compare the final training errors, in percent")
    func verdicts() {
        func result(_ depth: Int, _ residual: Bool, _ errors: [Double]) -> ResNetReproduction.NetworkResult {
            .init(network: .init(depth: depth, residual: residual), parameterCount: 1, trainingErrors: errors,
                  runningTrainingErrors: errors, testError: 0.5, imagesPerSecond: 1, seconds: 1)
        }
        var configuration = ResNetReproduction.Configuration.standard
        configuration.epochs = 2
        let degraded = ResNetReproduction.Outcome(
            configuration: configuration,
            results: [result(20, false, [0.5, 0.10]), result(56, false, [0.6, 0.20]),
                      result(20, true, [0.4, 0.08]), result(56, true, [0.3, 0.08])],
            command: "c", trainingImageCount: 1, testImageCount: 1, seconds: nil)
        #expect(degraded.claims == [
            Claim("plain-56 has a higher training error than plain-20", ours: 20, baseline: 10, holds: true),
            Claim("ResNet-56 has a training error no higher than ResNet-20's", ours: 8, baseline: 8, holds: true),
            Claim("ResNet-56 trains to a lower error than plain-56", ours: 8, baseline: 20, holds: true),
        ])
        let reversed = ResNetReproduction.Outcome(
            configuration: configuration,
            results: [result(20, false, [0.5, 0.20]), result(56, false, [0.6, 0.10]),
                      result(20, true, [0.4, 0.08]), result(56, true, [0.3, 0.12])],
            command: "c", trainingImageCount: 1, testImageCount: 1, seconds: nil)
        #expect(reversed.claims.map(\.holds) == [false, false, false])
        #expect(degraded.curveTable.rows == [["1", "50.00", "60.00", "40.00", "30.00"], ["2", "10.00", "20.00", "8.00", "8.00"]])
        #expect(degraded.finalTable.rows[3] == ["ResNet-56", "56", "1", "8.00", "8.00", "50.00", "6.97"])
        #expect(degraded.finalTable.rows[1].last == "≈ 13 (≈ from Fig. 6)")
    }

    @Test("the presets keep the paper's recipe; depths that are not 6n + 2 are refused by name")
    func presetsAndValidation() throws {
        for preset in [ResNetReproduction.Configuration.standard, .quick] {
            #expect(preset.networks.map(\.registryName) == ["plain20", "plain56", "resnet20", "resnet56"])
            #expect(preset.batchSize == 128 && preset.learningRate == 0.1 && preset.momentum == 0.9 && preset.weightDecay == 5e-4)
            #expect(preset.augmentation == ImageAugmentation(padding: 4, flipsHorizontally: true))
            #expect(preset.dataset == "fashion-mnist-32")
            // One epoch of warm-up for every network (ResNet-56 diverged without it), then cosine.
            #expect(preset.warmupEpochs == 1)
            for network in preset.networks {
                let training = preset.trainingConfiguration(for: network)
                #expect(training.schedule == .warmupCosine && training.warmupEpochs == 1)
            }
            // Every registered network is the one the reproduction builds.
            for network in preset.networks { #expect(throws: Never.self) { try ModelRegistry.standard.model(named: network.registryName) } }
        }
        // A plain and a residual network of one depth start from the same weights.
        var plainGenerator = PhiloxGenerator(seed: 3), residualGenerator = PhiloxGenerator(seed: 3)
        let plain = ResNetReproduction.Network(depth: 8, residual: false).build(channels: 1, classes: 4, using: &plainGenerator)
        let residual = ResNetReproduction.Network(depth: 8, residual: true).build(channels: 1, classes: 4, using: &residualGenerator)
        #expect(plain.namedParameters().map(\.name) == residual.namedParameters().map(\.name))
        #expect(zip(plain.namedParameters(), residual.namedParameters()).allSatisfy { $0.parameter.value == $1.parameter.value })

        var configuration = ResNetReproduction.Configuration.standard
        configuration.deepDepth = 52
        let error = try #require(throws: TrainingError.self) { try configuration.validate() }
        #expect(error.description == "ResNetReproduction: depth 52 is not 6n + 2 with n ≥ 1 (8, 14, 20, …, 56)")
        configuration.deepDepth = 14
        #expect(throws: TrainingError.self) { try configuration.validate() }
        configuration = .standard
        configuration.warmupEpochs = 0
        #expect(configuration.trainingConfiguration(for: configuration.networks[3]).schedule == .cosine)
    }
}
