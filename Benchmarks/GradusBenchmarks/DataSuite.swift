import Autograd
import Foundation
import Zoo

/// `data`: DataLoader throughput on Fashion-MNIST at 32×32 with random crop (padding 4) and
/// horizontal flip, batch 128, with 0, 1 and 2 workers, in images/s. Peer: PyTorch's DataLoader
/// on the same pipeline. Needs `scripts/install-data`.
func runDataSuite() {
    let images: FashionMNIST
    do {
        images = try FashionMNIST(split: .train, layout: .padded32)
    } catch {
        FileHandle.standardError.write(Data("data suite: \(error)\n".utf8))
        exit(1)
    }
    let augmented = images.map(seed: 0) { sample, generator in
        LabeledSample(features: sample.features
                        .randomlyCropped(height: 32, width: 32, padding: 4, using: &generator)
                        .randomlyFlippedHorizontally(using: &generator),
                      label: sample.label)
    }
    for workers in [0, 1, 2] {
        let loader = DataLoader(augmented, batchSize: 128, shuffle: true, seed: 0, dropLast: true, workers: workers)
        var epoch = 0
        let seconds = medianSeconds(repetitions: 3, minimumSeconds: 0) {
            var count = 0
            for batch in loader.epoch(epoch) { count += batch.labels.count }
            epoch += 1
            blackHole(count)
        }
        Result(suite: "data", name: "loader", shape: "fashion-mnist 32x32 crop+flip batch 128, \(workers) workers",
               unit: "images/s", value: Double(loader.batchCount * 128) / seconds).printed()
    }
}
