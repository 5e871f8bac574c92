import Testing
import Autograd
import _TestSupport

/// A `[1, 4, 4]` image holding 1…16 row by row.
private let image4x4 = Tensor<Float>(shape: [1, 4, 4], scalars: (1...16).map { Float($0) })

@Suite struct TransformTests {
    @Test func pixelsBecomeFloatsInTheUnitInterval() {
        let pixels = Tensor<UInt8>(shape: [1, 1, 4], scalars: [0, 51, 128, 255])
        let image = Tensor<Float>(unitIntervalFromPixels: pixels)
        #expect(image.shape == [1, 1, 4])
        #expect(image.scalars == [0, 0.2, Float(128) / 255, 1])
    }

    @Test func normalizationShiftsAndScalesEachChannel() {
        let image = Tensor<Float>(shape: [2, 1, 2], scalars: [0, 1, 3, 5])
        let normalized = image.normalized(mean: [0.5, 1], standardDeviation: [0.5, 2])
        // Channel 0: (0 − 0.5)/0.5, (1 − 0.5)/0.5; channel 1: (3 − 1)/2, (5 − 1)/2.
        #expect(normalized.scalars == [-1, 1, 1, 2])
        #expect(image.scalars == [0, 1, 3, 5], "the input is not modified")
    }

    @Test func croppingReadsZerosOutsideTheImage() {
        let window = image4x4.cropped(top: -1, left: 1, height: 3, width: 4)
        #expect(window.shape == [1, 3, 4])
        #expect(window.scalars == [0, 0, 0, 0,
                                   2, 3, 4, 0,
                                   6, 7, 8, 0])
        #expect(image4x4.cropped(top: 0, left: 0, height: 4, width: 4) == image4x4)
        #expect(image4x4.cropped(top: 5, left: -9, height: 1, width: 2).scalars == [0, 0])
    }

    @Test func randomCropIsAWindowOfThePaddedImage() {
        // With padding 1 a 4×4 crop of a 4×4 image can start at 3 × 3 places; all should occur.
        var generator = PhiloxGenerator(seed: 1)
        var offsets = Set<[Int]>()
        for _ in 0..<200 {
            let crop = image4x4.randomlyCropped(height: 4, width: 4, padding: 1, using: &generator)
            let match = (-1...1).flatMap { top in (-1...1).map { [top, $0] } }.filter { offset in
                image4x4.cropped(top: offset[0], left: offset[1], height: 4, width: 4) == crop
            }
            #expect(match.count == 1)
            offsets.formUnion(match)
        }
        #expect(offsets.count == 9)
        // Without padding, a full-size crop is the image.
        #expect(image4x4.randomlyCropped(height: 4, width: 4, using: &generator) == image4x4)
    }

    @Test func randomCropRepeatsWithTheSameGenerator() {
        var first = PhiloxGenerator(seed: 9), second = PhiloxGenerator(seed: 9)
        let image = Tensor<Float>.uniform([3, 28, 28], using: &first).paddedCentered(height: 32, width: 32)
        _ = Tensor<Float>.uniform([3, 28, 28], using: &second)
        #expect(image.randomlyCropped(height: 32, width: 32, padding: 4, using: &first)
                == image.randomlyCropped(height: 32, width: 32, padding: 4, using: &second))
    }

    @Test func horizontalFlipMirrorsEachRow() {
        let flipped = image4x4.flippedHorizontally()
        #expect(flipped.scalars == [4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9, 16, 15, 14, 13])
        var generator = PhiloxGenerator(seed: 2)
        #expect(image4x4.randomlyFlippedHorizontally(probability: 1, using: &generator) == flipped)
        #expect(image4x4.randomlyFlippedHorizontally(probability: 0, using: &generator) == image4x4)
        let flips = (0..<1000).filter { _ in
            image4x4.randomlyFlippedHorizontally(using: &generator) == flipped
        }.count
        #expect((430...570).contains(flips), "p = 0.5 flipped \(flips) of 1000")
    }

    @Test func centeredPaddingSurroundsTheImageWithZeros() {
        let small = Tensor<Float>(shape: [1, 2, 2], scalars: [1, 2, 3, 4])
        #expect(small.paddedCentered(height: 4, width: 4).scalars == [0, 0, 0, 0,
                                                                    0, 1, 2, 0,
                                                                    0, 3, 4, 0,
                                                                    0, 0, 0, 0])
        // An odd margin puts the extra row below and the extra column right.
        #expect(small.paddedCentered(height: 3, width: 3).scalars == [1, 2, 0, 3, 4, 0, 0, 0, 0])
        #expect(Tensor<Float>.zeros([1, 28, 28]).paddedCentered(height: 32, width: 32).shape == [1, 32, 32])
    }

    @Test func greyBecomesThreeIdenticalChannels() {
        let rgb = Tensor<Float>(shape: [1, 1, 2], scalars: [0.25, 0.5]).expandedToThreeChannels()
        #expect(rgb.shape == [3, 1, 2])
        #expect(rgb.scalars == [0.25, 0.5, 0.25, 0.5, 0.25, 0.5])
    }

    @Test func bilinearResizeMatchesHalfPixelInterpolation() {
        let small = Tensor<Float>(shape: [1, 2, 2], scalars: [0, 1, 2, 3])
        // PyTorch: F.interpolate(x, size=4, mode="bilinear", align_corners=False).
        assertClose(small.resized(height: 4, width: 4),
                    Tensor(shape: [1, 4, 4], scalars: [0, 0.25, 0.75, 1,
                                                       0.5, 0.75, 1.25, 1.5,
                                                       1.5, 1.75, 2.25, 2.5,
                                                       2, 2.25, 2.75, 3]))
        // Halving averages each 2 × 2 block.
        #expect(image4x4.resized(height: 2, width: 2).scalars == [3.5, 5.5, 11.5, 13.5])
        #expect(image4x4.resized(height: 4, width: 4) == image4x4)
        // A region is resized without copying it first.
        #expect(image4x4.resized(region: CropRegion(top: 1, left: 2, height: 2, width: 2), height: 2, width: 2).scalars
                == [7, 8, 11, 12])
    }

    @Test func randomResizedCropHasTheRequestedShapeAndStaysInside() {
        var generator = PhiloxGenerator(seed: 4)
        let image = Tensor<Float>.uniform([3, 20, 30], using: &generator)
        for _ in 0..<100 {
            let region = image.randomResizedCropRegion(using: &generator)
            #expect(region.top >= 0 && region.left >= 0 && region.height >= 1 && region.width >= 1)
            #expect(region.top + region.height <= 20 && region.left + region.width <= 30)
        }
        #expect(image.randomlyResizedCropped(height: 8, width: 8, using: &generator).shape == [3, 8, 8])
    }

    @Test func randomResizedCropOfTheWholeImageAtItsSizeIsTheIdentity() {
        var generator = PhiloxGenerator(seed: 5)
        let image = Tensor<Float>.uniform([3, 6, 6], using: &generator)
        let crop = image.randomlyResizedCropped(height: 6, width: 6, scale: 1...1, aspectRatio: 1...1, using: &generator)
        #expect(crop == image)
    }

    @Test func randomResizedCropFallsBackToACenteredCrop() {
        // Area 100 at ratio 2 needs a 14-pixel width: no attempt fits a 10 × 10 image, so the
        // fallback takes the centered crop of ratio 2: 5 rows of 10, from row (10 − 5) / 2 = 2.
        var generator = PhiloxGenerator(seed: 6)
        let region = Tensor<Float>.zeros([1, 10, 10]).randomResizedCropRegion(scale: 1...1, aspectRatio: 2...2, using: &generator)
        #expect(region == CropRegion(top: 2, left: 0, height: 5, width: 10))
    }
}
