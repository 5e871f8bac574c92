import Foundation
import Testing
@testable import Zoo

@Suite struct ImageGridTests {
    @Test func thePictureHasTheGridsSizeAndEachImageLandsInItsCell() throws {
        // Five 2 × 3 grey images in rows of two: three rows, the last cell empty.
        let values = (0..<5).flatMap { image in [Float](repeating: Float(image) / 4, count: 6) }
        let images = Tensor<Float>(shape: [5, 1, 2, 3], scalars: values)
        let grid = ImageGrid(images: images, columns: 2, padding: 1, paddingValue: 7)
        #expect(grid.rows == 3)
        #expect(grid.pictureShape == [1, 3 * (2 + 1) + 1, 2 * (3 + 1) + 1])
        let pixels = grid.pixels()
        #expect(pixels.shape == [1, 10, 9])
        let bytes = pixels.scalars
        func pixel(_ y: Int, _ x: Int) -> UInt8 { bytes[y * 9 + x] }
        #expect(pixel(0, 0) == 7)                      // border
        #expect(pixel(1, 1) == 0)                      // image 0 → black
        #expect(pixel(1, 5) == 64)                     // image 1: 0.25 · 255 = 63.75 → 64
        #expect(pixel(4, 1) == 128)                    // image 2 in the second row: 127.5 → 128 (rounded up)
        #expect(pixel(7, 3) == 255)                    // image 4, its last column
        #expect(pixel(7, 5) == 7)                      // the empty cell stays the border's colour

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("grid.png")
        try grid.write(to: url)
        let decoded = try ImageFile.read(contentsOf: url)
        #expect(decoded == pixels)
    }

    @Test func rgbImagesAndAGivenRangeAreClipped() throws {
        // One 1 × 2 RGB image with values in −1…1, some outside.
        let images = Tensor<Float>(shape: [1, 3, 1, 2], scalars: [-1, 1, 0, 2, -3, 0.5])
        let pixels = ImageGrid(images: images, columns: 4, padding: 0, range: -1...1).pixels()
        #expect(pixels.shape == [3, 1, 8])
        let bytes = pixels.scalars
        #expect(Array(bytes[0..<2]) == [0, 255])
        #expect(Array(bytes[8..<10]) == [128, 255])    // 0 → 127.5 → 128; 2 clipped to white
        #expect(Array(bytes[16..<18]) == [0, 191])     // −3 clipped to black; 0.5 → 191.25 → 191
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("rgb.png")
        try ImageGrid(images: images, columns: 4, padding: 0, range: -1...1).write(to: url)
        #expect(try ImageFile.read(contentsOf: url) == pixels)
    }
}
