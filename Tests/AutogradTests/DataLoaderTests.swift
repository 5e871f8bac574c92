import Foundation
import Testing
@testable import Autograd
import _TestSupport

/// Samples whose `[1, 2, 2]` features hold the index four times and whose label is the index.
private func indexDataset(_ count: Int) -> TensorDataset<Float> {
    TensorDataset(features: Tensor<Float>.arange(0, count).reshaped(to: [count, 1, 1, 1]).expanded(to: [count, 1, 2, 2]),
                  labels: Tensor<Int>.arange(0, count))
}

/// An augmented dataset: random crop with padding and flip on 8×8 images, as training uses.
private func augmentedDataset(_ count: Int) -> MappedDataset<TensorDataset<Float>, LabeledSample<Float>> {
    var generator = PhiloxGenerator(seed: 99)
    let images = Tensor<Float>.uniform([count, 3, 8, 8], using: &generator)
    let labels = Tensor<Int>.randomIntegers([count], in: 0..<10, using: &generator)
    return TensorDataset(features: images, labels: labels).map(seed: 4) { sample, generator in
        let cropped = sample.features.randomlyCropped(height: 8, width: 8, padding: 2, using: &generator)
        return LabeledSample(features: cropped.randomlyFlippedHorizontally(using: &generator), label: sample.label)
    }
}

private func labels<Source>(_ loader: DataLoader<Source>) -> [[Int]] where Source.Sample == LabeledSample<Float> {
    loader.map(\.labels.scalars)
}

@Suite struct DataLoaderTests {
    @Test func withoutShufflingBatchesFollowTheDatasetOrder() {
        let loader = DataLoader(indexDataset(10), batchSize: 4)
        #expect(loader.batchCount == 3)
        #expect(labels(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    }

    @Test func dropLastLeavesOutTheIncompleteBatch() {
        let loader = DataLoader(indexDataset(10), batchSize: 4, dropLast: true)
        #expect(loader.batchCount == 2)
        #expect(labels(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]])
        #expect(DataLoader(indexDataset(8), batchSize: 4, dropLast: true).batchCount == 2)
        #expect(DataLoader(indexDataset(3), batchSize: 4, dropLast: true).map { $0 }.isEmpty)
        #expect(DataLoader(indexDataset(3), batchSize: 4, dropLast: true, workers: 2).map { $0 }.isEmpty)
    }

    @Test func collationStacksFeaturesAndLabels() {
        let batch = DataLoader(indexDataset(5), batchSize: 3).batch(at: 0)
        #expect(batch.features.shape == [3, 1, 2, 2])
        #expect(batch.features.scalars == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
        #expect(batch.labels.shape == [3])
        #expect(batch.labels.scalars == [0, 1, 2])
    }

    @Test func shufflingIsAPermutationReproducibleFromSeedAndEpoch() {
        let loader = DataLoader(indexDataset(50), batchSize: 8, shuffle: true, seed: 7)
        let epoch0 = labels(loader.epoch(0)).flatMap { $0 }
        #expect(epoch0.sorted() == Array(0..<50))
        #expect(epoch0 != Array(0..<50))
        #expect(epoch0 == labels(DataLoader(indexDataset(50), batchSize: 8, shuffle: true, seed: 7)).flatMap { $0 })
        #expect(epoch0 == loader.sampleOrder())
        let epoch1 = labels(loader.epoch(1)).flatMap { $0 }
        #expect(epoch1.sorted() == Array(0..<50))
        #expect(epoch1 != epoch0, "each epoch draws a new order")
        #expect(epoch1 == labels(loader.epoch(1)).flatMap { $0 })
        let otherSeed = DataLoader(indexDataset(50), batchSize: 8, shuffle: true, seed: 8)
        #expect(labels(otherSeed).flatMap { $0 } != epoch0)
    }

    @Test(arguments: [1, 2])
    func batchesAreIdenticalWhateverTheNumberOfWorkers(workers: Int) {
        let dataset = augmentedDataset(37)
        for epoch in 0..<2 {
            let reference = DataLoader(dataset, batchSize: 5, shuffle: true, seed: 3, epoch: epoch).map { $0 }
            let threaded = DataLoader(dataset, batchSize: 5, shuffle: true, seed: 3, workers: workers,
                                      prefetchPerWorker: 1, epoch: epoch).map { $0 }
            #expect(threaded.count == reference.count)
            #expect(reference.count == 8)
            for (a, b) in zip(reference, threaded) {
                #expect(a.features.shape == b.features.shape)
                #expect(a.features.scalars == b.features.scalars)
                #expect(a.labels.scalars == b.labels.scalars)
            }
        }
    }

    @Test func augmentationDiffersBetweenEpochs() {
        let loader = DataLoader(augmentedDataset(16), batchSize: 16)
        #expect(loader.epoch(0).batch(at: 0).features.scalars != loader.epoch(1).batch(at: 0).features.scalars)
        #expect(loader.epoch(0).batch(at: 0).labels.scalars == loader.epoch(1).batch(at: 0).labels.scalars)
    }

    @Test func breakingOutOfTheLoopStopsAndJoinsTheWorkers() {
        // The number of workers is capped by `ThreadBudget.count`, which suites running in
        // parallel may change; what matters is that every started worker is gone after the break.
        let loader = DataLoader(augmentedDataset(400), batchSize: 4, shuffle: true, workers: 2)
        var seen = 0
        for _ in loader {
            seen += 1
            #expect((1...2).contains(loader.workerCounter.startedCount))
            #expect(loader.workerCounter.liveCount == loader.workerCounter.startedCount)
            if seen == 3 { break }
        }
        #expect(seen == 3)
        #expect((1...2).contains(loader.workerCounter.startedCount))
        #expect(loader.workerCounter.liveCount == 0)
    }

    @Test func droppingAnIteratorMidBatchJoinsTheWorkers() {
        // Slow samples: the workers are in the middle of building batches when the iterator goes.
        let slow = indexDataset(64).map { sample in
            Thread.sleep(forTimeInterval: 0.002)
            return sample
        }
        let loader = DataLoader(slow, batchSize: 4, workers: 2)
        do {
            var iterator = loader.makeIterator()
            #expect(iterator.next()?.labels.scalars == [0, 1, 2, 3])
            #expect((1...2).contains(loader.workerCounter.liveCount))
        }
        #expect(loader.workerCounter.liveCount == 0)
    }

    @Test func aFullEpochWithWorkersDeliversEveryBatchInOrder() {
        let loader = DataLoader(indexDataset(20), batchSize: 3, workers: 2)
        do {
            var iterator = loader.makeIterator()
            var delivered: [[Int]] = []
            while let batch = iterator.next() { delivered.append(batch.labels.scalars) }
            #expect(delivered == (0..<7).map { Array($0 * 3 ..< min($0 * 3 + 3, 20)) })
            #expect(iterator.next() == nil)
        }
        #expect((1...2).contains(loader.workerCounter.startedCount))
        #expect(loader.workerCounter.liveCount == 0)
    }
}
