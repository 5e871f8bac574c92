import Testing
import Autograd
import _TestSupport

/// A dataset of `count` samples whose features are `[1, 1, 1]` holding the index and whose label is the index.
private func indexDataset(_ count: Int) -> TensorDataset<Float> {
    TensorDataset(features: Tensor<Float>.arange(0, count).reshaped(to: [count, 1, 1, 1]),
                  labels: Tensor<Int>.arange(0, count))
}

@Suite struct DatasetTests {
    @Test func tensorDatasetYieldsRowsAndLabels() {
        let features = Tensor<Float>(shape: [3, 1, 2, 2], scalars: (0..<12).map { Float($0) })
        let dataset = TensorDataset(features: features, labels: Tensor<Int>(shape: [3], scalars: [7, 8, 9]))
        #expect(dataset.count == 3)
        let sample = dataset.sample(at: 1)
        #expect(sample.features.shape == [1, 2, 2])
        #expect(sample.features.scalars == [4, 5, 6, 7])
        #expect(sample.label == 8)
    }

    @Test func subsetReadsTheChosenIndicesInOrder() {
        let subset = Subset(indexDataset(10), indices: [9, 2, 2, 5])
        #expect(subset.count == 4)
        #expect((0..<4).map { subset.sample(at: $0).label } == [9, 2, 2, 5])
    }

    @Test func randomSplitByCountsIsDisjointAndCoversEverything() {
        var generator = PhiloxGenerator(seed: 3)
        let parts = randomSplit(indexDataset(100), counts: [70, 20, 10], using: &generator)
        #expect(parts.map(\.count) == [70, 20, 10])
        let all = parts.flatMap(\.indices)
        #expect(Set(all).count == 100)
        #expect(all.sorted() == Array(0..<100))
        // Shuffled, not just cut in order.
        #expect(parts[0].indices != Array(0..<70))
    }

    @Test func randomSplitByFractionsGivesLeftoversToTheFirstParts() {
        var generator = PhiloxGenerator(seed: 0)
        let parts = randomSplit(indexDataset(10), fractions: [0.33, 0.33, 0.34], using: &generator)
        // ⌊3.3⌋, ⌊3.3⌋, ⌊3.4⌋ = 3, 3, 3; the one left over goes to the first part.
        #expect(parts.map(\.count) == [4, 3, 3])
        #expect(parts.flatMap(\.indices).sorted() == Array(0..<10))
    }

    @Test func randomSplitIsReproducibleFromTheSeed() {
        var first = PhiloxGenerator(seed: 11), second = PhiloxGenerator(seed: 11), other = PhiloxGenerator(seed: 12)
        let dataset = indexDataset(50)
        let a = randomSplit(dataset, counts: [25, 25], using: &first)
        let b = randomSplit(dataset, counts: [25, 25], using: &second)
        let c = randomSplit(dataset, counts: [25, 25], using: &other)
        #expect(a.map(\.indices) == b.map(\.indices))
        #expect(a.map(\.indices) != c.map(\.indices))
    }

    @Test func concatenationRunsThroughEachPartAndSkipsEmptyOnes() {
        let parts: [any Dataset<LabeledSample<Float>>] = [
            indexDataset(3), Subset(indexDataset(5), indices: []), Subset(indexDataset(10), indices: [7, 8]),
        ]
        let joined = ConcatenatedDataset(parts)
        #expect(joined.count == 5)
        #expect((0..<5).map { joined.sample(at: $0).label } == [0, 1, 2, 7, 8])
    }

    @Test func mappingIsLazyAndDeterministic() {
        let doubled = indexDataset(4).map { sample in
            LabeledSample(features: sample.features * 2, label: sample.label)
        }
        #expect((0..<4).map { doubled.sample(at: $0).features.scalar } == [0, 2, 4, 6])
    }

    @Test func randomMappingDependsOnSeedEpochAndIndexButNotOnReadOrder() {
        // Each sample draws one uniform number: a fingerprint of the generator it received.
        func noisy(seed: UInt64) -> MappedDataset<TensorDataset<Float>, Float> {
            indexDataset(6).map(seed: seed) { _, generator in Tensor<Float>.uniform([], using: &generator).scalar }
        }
        let dataset = noisy(seed: 5)
        let forward = (0..<6).map { dataset.sample(at: $0, epoch: 1) }
        let backward = (0..<6).reversed().map { dataset.sample(at: $0, epoch: 1) }.reversed()
        #expect(forward == Array(backward))
        #expect(Set(forward).count == 6, "each index gets its own stream")
        #expect(forward != (0..<6).map { dataset.sample(at: $0, epoch: 2) })
        #expect(forward == (0..<6).map { noisy(seed: 5).sample(at: $0, epoch: 1) })
        #expect(forward != (0..<6).map { noisy(seed: 6).sample(at: $0, epoch: 1) })
        #expect(dataset.sample(at: 3) == dataset.sample(at: 3, epoch: 0))
    }

    @Test func wrappersPassTheEpochThrough() {
        let mapped = indexDataset(4).map(seed: 1) { _, generator in Tensor<Float>.uniform([], using: &generator).scalar }
        let subset = Subset(mapped, indices: [2])
        let joined = ConcatenatedDataset([subset] as [any Dataset<Float>])
        #expect(subset.sample(at: 0, epoch: 3) == mapped.sample(at: 2, epoch: 3))
        #expect(joined.sample(at: 0, epoch: 3) == mapped.sample(at: 2, epoch: 3))
        #expect(joined.sample(at: 0, epoch: 3) != joined.sample(at: 0, epoch: 4))
    }
}
