import Foundation
import Testing
@testable import Zoo

@Suite struct MAEReproductionTests {
    @Test func weightDecaySparesBiasesNormsTokensAndPositions() {
        var generator = PhiloxGenerator(seed: 0)
        let model = MaskedAutoencoder<Float>(MaskedAutoencoderTests.tiny, using: &generator)
        let groups = MAEReproduction.parameterGroups(model.namedParameters(), learningRate: 1e-3, weightDecay: 0.05)
        #expect(groups.count == 2 && groups[0].weightDecay == 0.05 && groups[1].weightDecay == 0)
        let decayed = Set(groups[0].names ?? []), spared = Set(groups[1].names ?? [])
        #expect(decayed.contains("blocks.0.attn.qkv.weight") && decayed.contains("patch_embed.proj.weight")
                && decayed.contains("decoder_pred.weight"))
        for name in ["cls_token", "mask_token", "blocks.0.norm1.weight", "decoder_embed.bias"] {
            #expect(spared.contains(name), "\(name)")
        }
        // The fixed position embeddings are not trained at all.
        #expect(!decayed.contains("pos_embed") && !spared.contains("pos_embed") && !spared.contains("decoder_pos_embed"))
    }

    @Test func theClassifiersTokensAreSparedUnderTheirPrefix() {
        var generator = PhiloxGenerator(seed: 0)
        let classifier = GlobalPoolClassifier(MaskedAutoencoder<Float>(MaskedAutoencoderTests.tiny, using: &generator)
            .visionTransformer(classCount: 3, using: &generator))
        let groups = MAEReproduction.parameterGroups(classifier.namedParameters(), learningRate: 1e-3, weightDecay: 0.05)
        let spared = Set(groups[1].names ?? [])
        #expect(spared.contains("encoder.cls_token") && spared.contains("encoder.pos_embed"))
        #expect(Set(groups[0].names ?? []).contains("encoder.head.weight"))
    }

    @Test func theConfigurationRejectsTooFewLabels() {
        var configuration = MAEReproduction.Configuration.quick
        configuration.labelFractions = [0.001]
        #expect(throws: TrainingError.self) { try configuration.validate() }
        #expect(throws: Never.self) { try MAEReproduction.Configuration.standard.validate() }
    }

    /// A whole run on the 8 × 8 scikit-learn digits with a tiny model: every stage, the files,
    /// and the same tables from the same seed.
    @Test(.enabled(if: datasetsInstalled))
    func aTinyRunOnDigitsIsCompleteAndRepeatable() throws {
        var configuration = MAEReproduction.Configuration()
        configuration.dataset = "digits"
        configuration.model = MaskedAutoencoderTests.tiny
        configuration.trainingImages = 200
        configuration.testImages = 50
        configuration.pretrainingEpochs = 1
        configuration.batchSize = 50
        configuration.probeEpochs = 2
        configuration.labelFractions = [0.1, 0.5]
        configuration.fineTuningSteps = 2
        configuration.fineTuningBatchSize = 16
        configuration.evaluationBatchSize = 64
        configuration.threads = 2
        let first = try MAEReproduction(configuration).run(command: "test", dataDirectory: DataDirectory.defaultURL)
        configuration.threads = 1
        let second = try MAEReproduction(configuration).run(command: "test", dataDirectory: DataDirectory.defaultURL)
        #expect(first.measurements == second.measurements)
        #expect(first.tablesText == second.tablesText)
        #expect(first.measurements.pretrainingSteps == 4)
        #expect(first.measurements.labelCounts == [0.1: 20, 0.5: 100])
        #expect(first.report.claims.count == 3 && first.report.tables.count == 2)
        #expect(first.report.claims.allSatisfy { $0.ours.isFinite && $0.baseline.isFinite })

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try first.write(to: directory.url)
        for name in ["report.md", "report.json", MAEReproduction.Outcome.lossFileName] {
            #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(name).path), "\(name)")
        }
        // Three rows (originals, masked, reconstructions) of eight 8 × 8 images with a 2-pixel border.
        let picture = try ImageFile.read(contentsOf: directory.url.appendingPathComponent(MAEReproduction.Outcome.reconstructionsFileName))
        #expect(picture.shape == [1, 3 * 10 + 2, 8 * 10 + 2])
    }
}
