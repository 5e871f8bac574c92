import Foundation
import Testing
@testable import Zoo

/// `count` images `[1, 6, 6]` whose pixels are all different (`index · 36 + position + 1`), so
/// every crop and flip of an image is told apart.
func distinctPixelImages(count: Int) -> LabeledImages {
    let pixels = (0..<count * 36).map { UInt8(truncatingIfNeeded: $0 + 1) }
    return LabeledImages(pixels: Tensor(shape: [count, 1, 6, 6], scalars: pixels), labels: (0..<count).map { $0 % 3 })
}

/// The `(top, left, flipped)` window of `original` padded by `padding` that `augmented` is, or
/// `nil` when it is none of them. Checked pixel by pixel, independently of the crop code.
func cropAndFlip(of original: Tensor<Float>, matching augmented: Tensor<Float>, padding: Int) -> (Int, Int, Bool)? {
    let size = original.shape[1]
    let source = original.scalars, target = augmented.scalars
    for top in -padding...padding {
        for left in -padding...padding {
            for flipped in [false, true] {
                let matches = (0..<size).allSatisfy { y in
                    (0..<size).allSatisfy { x in
                        let sourceX = left + (flipped ? size - 1 - x : x), sourceY = top + y
                        let inside = (0..<size).contains(sourceY) && (0..<size).contains(sourceX)
                        return target[y * size + x] == (inside ? source[sourceY * size + sourceX] : 0)
                    }
                }
                if matches { return (top, left, flipped) }
            }
        }
    }
    return nil
}

@Suite("Augmentation: random crops of the padded image and horizontal flips (zoo train --augment)")
struct ImageAugmentationTests {
    @Test("every augmented sample is a crop of the padded image, maybe flipped; crops and flips vary")
    func samplesAreCropsAndFlips() throws {
        let images = distinctPixelImages(count: 12)
        let augmented = images.augmented(ImageAugmentation(padding: 2), seed: 9)
        var windows: [(Int, Int, Bool)] = []
        for epoch in 0..<3 {
            for index in 0..<images.count {
                let sample = augmented.sample(at: index, epoch: epoch)
                #expect(sample.label == images.labels[index])
                #expect(sample.features.shape == [1, 6, 6])
                let window = try #require(cropAndFlip(of: images.image(at: index), matching: sample.features, padding: 2))
                windows.append(window)
            }
        }
        // 36 draws from 25 offsets × 2 flips: several different offsets and both flips occur.
        #expect(Set(windows.map { "\($0.0),\($0.1)" }).count > 5)
        #expect(windows.contains { $0.2 } && windows.contains { !$0.2 })
        // Epochs differ, a seed repeats, no augmentation leaves the image alone.
        #expect((0..<12).contains { augmented.sample(at: $0, epoch: 0).features != augmented.sample(at: $0, epoch: 1).features })
        #expect(augmented.sample(at: 3, epoch: 2).features == images.augmented(ImageAugmentation(padding: 2), seed: 9).sample(at: 3, epoch: 2).features)
        #expect(augmented.sample(at: 3).features == augmented.sample(at: 3, epoch: 0).features)
        #expect(augmented.withoutAugmentation.sample(at: 3, epoch: 1).features == images.image(at: 3))
        // Selecting keeps the augmentation; without flips no sample is mirrored.
        #expect(augmented.evenlySpaced(6).augmentation == augmented.augmentation)
        let unflipped = images.augmented(ImageAugmentation(padding: 1, flipsHorizontally: false), seed: 9)
        for index in 0..<images.count {
            let window = try #require(cropAndFlip(of: images.image(at: index), matching: unflipped.sample(at: index, epoch: 1).features, padding: 1))
            #expect(!window.2)
        }
    }

    @Test("batches are identical whatever the number of loader workers")
    func batchesDoNotDependOnWorkers() {
        let augmented = distinctPixelImages(count: 40).augmented(ImageAugmentation(), seed: 4)
        for epoch in 0..<2 {
            let reference = Array(DataLoader(augmented, batchSize: 8, shuffle: true, seed: 1, workers: 0, epoch: epoch))
            let threaded = Array(DataLoader(augmented, batchSize: 8, shuffle: true, seed: 1, workers: 3, epoch: epoch))
            #expect(reference.count == 5 && threaded.count == 5)
            #expect(zip(reference, threaded).allSatisfy { $0.features == $1.features && $0.labels == $1.labels })
        }
    }

    @Test("a configuration with augmentation augments the training images only, and round-trips through JSON")
    func configurationAugmentsTrainingImages() throws {
        let registry = DatasetRegistry(entries: [
            DatasetEntry(name: "distinct", summary: "", sampleShape: [1, 6, 6], classCount: 3) { _, _ in distinctPixelImages(count: 12) },
        ])
        var configuration = TrainingConfiguration(model: "mlp-small", dataset: "distinct")
        configuration.augmentation = ImageAugmentation()
        configuration.loaderWorkers = 0
        let run = try TrainingRun(configuration: configuration, outputDirectory: nil, datasets: registry)
        #expect(run.trainingLoader.dataset.augmentation?.augmentation == ImageAugmentation())
        #expect(run.trainingLoader.dataset.augmentation?.seed == configuration.augmentationSeed)
        #expect(configuration.augmentationSeed != configuration.seed)
        #expect(run.testLoader.dataset.augmentation == nil)

        #expect(try TrainingConfiguration(json: configuration.json) == configuration)
        // Checkpoints written before augmentation existed still load, without it.
        let old = configuration.json.replacingOccurrences(of: "\"augmentation\":{\"flipsHorizontally\":true,\"padding\":4},", with: "")
        #expect(old != configuration.json)
        #expect(try TrainingConfiguration(json: old).augmentation == nil)
    }
}
