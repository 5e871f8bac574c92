import Autograd
import Foundation
import Zoo

/// `data`: DataLoader throughput on Fashion-MNIST at 32×32 with random crop (padding 4) and
/// horizontal flip, batch 128, with 0, 1 and 2 workers, in images/s. Peer: PyTorch's DataLoader
/// on the same pipeline. Then the loader against what consumes it: ResNet-20's training steps
/// (SGD, batch 128) on the same augmented 1×32×32 batches, as `zoo train resnet20 --dataset
/// fashion-mnist-32 --augment` runs them — the loader must be several times faster so that it
/// never holds training up. Needs `scripts/install-data`.
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
    var loaderThroughput = 0.0
    for workers in [0, 1, 2] {
        let loader = DataLoader(augmented, batchSize: 128, shuffle: true, seed: 0, dropLast: true, workers: workers)
        var epoch = 0
        let seconds = medianSeconds(repetitions: 3, minimumSeconds: 0) {
            var count = 0
            for batch in loader.epoch(epoch) { count += batch.labels.count }
            epoch += 1
            blackHole(count)
        }
        loaderThroughput = Double(loader.batchCount * 128) / seconds
        Result(suite: "data", name: "loader", shape: "fashion-mnist 32x32 crop+flip batch 128, \(workers) workers",
               unit: "images/s", value: loaderThroughput).printed()
    }
    Result(suite: "data", name: "loader vs training", shape: "2 workers vs ResNet-20 SGD steps on its batches",
           unit: "images/s", value: loaderThroughput, peer: resnet20TrainingThroughput(on: augmented),
           peerName: "resnet20-training").printed()
}

/// ResNet-20's training throughput in images/s: SGD steps (forward, loss, backward, update) on
/// the first batches of `dataset`, median of three steps after a warm-up.
func resnet20TrainingThroughput(on dataset: some Dataset<LabeledSample<Float>>) -> Double {
    var generator = PhiloxGenerator(seed: 0)
    let model: any Layer<Float>
    do {
        model = try ModelRegistry.standard.model(named: "resnet20")
            .build(for: ModelInput(sampleShape: [1, 32, 32], classCount: 10), using: &generator)
    } catch {
        FileHandle.standardError.write(Data("data suite: \(error)\n".utf8))
        exit(1)
    }
    model.train()
    let optimizer = SGD(namedParameters: model.namedParameters(), learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4)
    let loader = DataLoader(dataset, batchSize: 128, shuffle: true, seed: 0, dropLast: true, workers: 0)
    let batches = Array(loader.epoch(0).prefix(4))
    var step = 0
    let seconds = medianSeconds(repetitions: 3, minimumSeconds: 0) {
        let batch = batches[step % batches.count]
        step += 1
        let loss = crossEntropy(logits: model(Variable(batch.features)), labels: batch.labels)
        optimizer.update(along: loss.backward())
    }
    return 128 / seconds
}
