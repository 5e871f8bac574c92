import Foundation
import Testing
@testable import Zoo

@Suite("MNIST-M recreation: |digit − patch| blending, deterministic from a seed")
struct MNISTMTests {
    @Test func blendIsTheAbsoluteDifferenceOnAHandExample() {
        // A 2×2 digit and a 2×2 photo: the only patch is the whole photo.
        let digits = LabeledImages(pixels: Tensor(shape: [1, 1, 2, 2], scalars: [0, 255, 100, 30]), labels: [6])
        let photo = Tensor<UInt8>(shape: [3, 2, 2], scalars: [10, 20, 30, 40,    // red
                                                              200, 0, 100, 255,  // green
                                                              0, 255, 50, 30])   // blue
        let dataset = MNISTM(digits: digits, photos: [photo], seed: 1)
        #expect(dataset.image(at: 0).scalars == [10, 235, 70, 10,
                                                 200, 255, 0, 225,
                                                 0, 0, 50, 0])
        let sample = dataset.sample(at: 0)
        #expect(sample.label == 6)
        #expect(sample.features.shape == [3, 2, 2])
        #expect(sample.features[0, 0, 1] == Float(235) / 255)
    }

    /// Eight 4×4 digits and two photos of different sizes with distinct values everywhere.
    static func dataset(seed: UInt64, layout: ImageLayout = .native) -> MNISTM {
        let digitValues: [UInt8] = (0..<128).map { (index: Int) -> UInt8 in UInt8((index * 37) % 256) }
        let digits = LabeledImages(pixels: Tensor(shape: [8, 1, 4, 4], scalars: digitValues), labels: Array(0..<8))
        let photos = [(9, 11), (6, 5)].map { (height: Int, width: Int) -> Tensor<UInt8> in
            let values: [UInt8] = (0..<(3 * height * width)).map { (index: Int) -> UInt8 in UInt8((index * 11 + height) % 256) }
            return Tensor(shape: [3, height, width], scalars: values)
        }
        return MNISTM(digits: digits, photos: photos, seed: seed, layout: layout)
    }

    @Test func everySampleIsTheDifferenceWithTheCropItsPlacementNames() {
        let dataset = Self.dataset(seed: 42)
        for index in 0..<dataset.count {
            let (photoIndex, top, left) = dataset.patchPlacement(at: index)
            let photo = dataset.photos[photoIndex]
            #expect(top >= 0 && top + 4 <= photo.shape[1] && left >= 0 && left + 4 <= photo.shape[2])
            var expected = [UInt8]()
            for channel in 0..<3 {
                for row in 0..<4 {
                    for column in 0..<4 {
                        let digit = Int(dataset.digits.pixels[index, 0, row, column])
                        let patch = Int(photo[channel, top + row, left + column])
                        expected.append(UInt8(abs(digit - patch)))
                    }
                }
            }
            #expect(dataset.image(at: index).scalars == expected, "sample \(index)")
        }
    }

    @Test func theSameSeedGivesTheSameDatasetInAnyReadingOrder() {
        let forward = Self.dataset(seed: 7)
        let backward = Self.dataset(seed: 7)
        let readForward = (0..<8).map { forward.image(at: $0) }
        let readBackward = (0..<8).reversed().map { backward.image(at: $0) }.reversed()
        #expect(Array(readBackward) == readForward)

        let other = Self.dataset(seed: 8)
        let placements = (0..<8).map { forward.patchPlacement(at: $0) }
        let otherPlacements = (0..<8).map { other.patchPlacement(at: $0) }
        #expect(!zip(placements, otherPlacements).allSatisfy { $0 == $1 }, "another seed must move the patches")
        #expect(Set(placements.map(\.photo)).count == 2, "eight samples should use both photos")
    }

    @Test func paddedLayoutCentresTheBlend() {
        let padded = Self.dataset(seed: 3, layout: ImageLayout(paddedSize: 8))
        let plain = Self.dataset(seed: 3)
        let features = padded.sample(at: 5).features
        #expect(features.shape == [3, 8, 8])
        #expect(features[1, 2 + 3, 2 + 1] == Float(plain.image(at: 5)[1, 3, 1]) / 255)
        #expect(features[1, 0, 0] == 0 && features[2, 7, 7] == 0)
    }
}
