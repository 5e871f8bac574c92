import Testing
@testable import Zoo

@Suite struct LinearProbeTests {
    /// Three well separated Gaussian clusters in 5-D, with an offset and scale a probe without
    /// normalization would find hard: the probe must classify all of them.
    static func clusters(count: Int, seed: UInt64) -> (features: Tensor<Float>, labels: [Int]) {
        var generator = PhiloxGenerator(seed: seed)
        let noise = Tensor<Float>.normal([count, 5], mean: 0, standardDeviation: 0.3, using: &generator).scalars
        var values: [Float] = [], labels: [Int] = []
        for index in 0..<count {
            let label = index % 3
            for feature in 0..<5 {
                let center: Float = feature == label ? 3 : 0
                values.append(100 + 10 * (center + noise[index * 5 + feature]))
            }
            labels.append(label)
        }
        return (Tensor(shape: [count, 5], scalars: values), labels)
    }

    @Test(arguments: [true, false])
    func aLinearlySeparableToyReachesFullAccuracy(normalize: Bool) {
        let training = Self.clusters(count: 300, seed: 1), test = Self.clusters(count: 90, seed: 2)
        // Without normalization the raw scale (≈ 100) needs a small step.
        let probe = LinearProbe.train(features: training.features, labels: training.labels, classCount: 3, epochs: 10,
                                      batchSize: 32, learningRate: normalize ? 0.1 : 1e-5, seed: 0, normalize: normalize)
        #expect(probe.accuracy(features: test.features, labels: test.labels) == 1)
        #expect((probe.normalization != nil) == normalize)
        #expect(!probe.isTraining)
    }

    @Test func theSameSeedTrainsTheSameProbe() {
        let training = Self.clusters(count: 60, seed: 3)
        let probes = (0..<2).map { _ in
            LinearProbe.train(features: training.features, labels: training.labels, classCount: 3, epochs: 2,
                              batchSize: 16, learningRate: 0.1, seed: 5, normalize: true)
        }
        #expect(probes[0].head.weight.value == probes[1].head.weight.value)
        #expect(probes[0].normalization!.runningMean.value == probes[1].normalization!.runningMean.value)
    }

    @Test func featuresComeInDatasetOrderWithTheirLabels() {
        // Images whose pixels all equal their index; the "encoder" averages the pixels.
        let pixels = (0..<7).flatMap { index in [Float](repeating: Float(index), count: 4) }
        let dataset = TensorDataset(features: Tensor<Float>(shape: [7, 1, 2, 2], scalars: pixels),
                                    labels: Tensor<Int>((0..<7).map { $0 % 2 }))
        let (features, labels) = LinearProbe.features(of: { $0.mean(alongAxes: [2, 3]) }, dataset: dataset, batchSize: 3)
        #expect(features.shape == [7, 1])
        #expect(features.scalars == (0..<7).map { Float($0) })
        #expect(labels == [0, 1, 0, 1, 0, 1, 0])
    }
}
