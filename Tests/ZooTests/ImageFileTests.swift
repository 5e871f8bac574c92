import Foundation
import Testing
import _TestSupport
@testable import Zoo

@Suite("PNG and JPEG through libpng and libjpeg; the folder-of-images dataset")
struct ImageFileTests {
    /// A 3×2 colour image, `[3, 2, 3]`, with every value distinct so a transposition would show.
    static let colourPixels: [UInt8] = (0..<18).map { UInt8($0 * 13 + 5) }

    @Test func decodesAHandwrittenPNGChannelMajor() throws {
        let png = handwrittenPNG(channels: 3, height: 2, width: 3, pixels: Self.colourPixels)
        let image = try ImageFile.decode(png, path: "hand.png")
        #expect(image.shape == [3, 2, 3])
        #expect(image.scalars == Self.colourPixels)
        let grey = try ImageFile.decode(handwrittenPNG(channels: 1, height: 2, width: 2, pixels: [0, 64, 128, 255]), path: "g.png")
        #expect(grey.shape == [1, 2, 2])
        #expect(grey.scalars == [0, 64, 128, 255])
    }

    @Test func pngEncodingRoundTripsExactly() throws {
        let image = Tensor<UInt8>(shape: [3, 2, 3], scalars: Self.colourPixels)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("colour.png")
        try ImageFile.write(image, to: file, format: .png)
        #expect(try ImageFile.read(contentsOf: file) == image)
        let floats = try ImageFile.readFloats(contentsOf: file)
        assertClose(floats, Tensor(shape: [3, 2, 3], scalars: Self.colourPixels.map { Float($0) / 255 }))
    }

    @Test func jpegRoundTripsWithinCompressionError() throws {
        // Smooth content survives JPEG at quality 95 to within a few levels.
        let ramp: [UInt8] = (0..<256).map { (index: Int) -> UInt8 in UInt8((index / 16) * 8 + (index % 16) * 4) }
        let grey = Tensor<UInt8>(shape: [1, 16, 16], scalars: ramp)
        let decodedGrey = try ImageFile.decode(ImageFile.encode(grey, format: .jpeg(quality: 95)), path: "g.jpg")
        #expect(decodedGrey.shape == [1, 16, 16])
        assertClose(decodedGrey.scalars.map(Double.init), grey.scalars.map(Double.init), absolute: 4, relative: 0)

        var red = [UInt8](repeating: 0, count: 3 * 16 * 16)
        for index in 0..<256 { red[index] = 220 }  // channel 0 only
        let decoded = try ImageFile.decode(ImageFile.encode(Tensor(shape: [3, 16, 16], scalars: red), format: .jpeg(quality: 95)),
                                           path: "red.jpg")
        #expect(decoded.shape == [3, 16, 16])
        assertClose(decoded.scalars.map(Double.init), red.map(Double.init), absolute: 4, relative: 0)
    }

    @Test func damagedImagesThrowNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let png = handwrittenPNG(channels: 3, height: 2, width: 3, pixels: Self.colourPixels)
        let truncatedPNG = try directory.write(Array(png.prefix(45)), to: "truncated.png")
        expectCorrupt(truncatedPNG.path, mentioning: "bad PNG image") { _ = try ImageFile.read(contentsOf: truncatedPNG) }
        var corrupted = png
        corrupted[40] ^= 0x55  // inside IDAT: the chunk's CRC no longer matches
        let badCRC = try directory.write(corrupted, to: "crc.png")
        expectCorrupt(badCRC.path, mentioning: "bad PNG image") { _ = try ImageFile.read(contentsOf: badCRC) }

        let noiseValues: [UInt8] = (0..<3072).map { (index: Int) -> UInt8 in UInt8(truncatingIfNeeded: (index &* 2_654_435_761) >> 13) }
        let noise = Tensor<UInt8>(shape: [3, 32, 32], scalars: noiseValues)
        let jpeg = try ImageFile.encode(noise, format: .jpeg(quality: 90))
        let truncatedJPEG = try directory.write(Array(jpeg.prefix(jpeg.count / 2)), to: "truncated.jpg")
        expectCorrupt(truncatedJPEG.path, mentioning: "bad JPEG image") { _ = try ImageFile.read(contentsOf: truncatedJPEG) }
        let headerOnly = try directory.write(Array(jpeg.prefix(4)), to: "header.jpg")
        expectCorrupt(headerOnly.path, mentioning: "bad JPEG image") { _ = try ImageFile.read(contentsOf: headerOnly) }
        let text = try directory.write(Array("not an image".utf8), to: "text.png")
        expectCorrupt(text.path, mentioning: "not a PNG or JPEG") { _ = try ImageFile.read(contentsOf: text) }
    }

    @Test func imageFolderLabelsSortedClassSubfolders() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let black = handwrittenPNG(channels: 1, height: 2, width: 2, pixels: [0, 0, 0, 0])
        let white = handwrittenPNG(channels: 1, height: 2, width: 2, pixels: [255, 255, 255, 255])
        try directory.write(white, to: "zebra/b.png")
        try directory.write(black, to: "zebra/a.PNG")
        try directory.write(black, to: "ant/only.png")
        try directory.write(Array("ignored".utf8), to: "ant/README.txt")
        try directory.write(white, to: "ant/.hidden.png")
        let dataset = try ImageFolder(directory: directory.url, layout: ImageLayout(paddedSize: 4, channelCount: 3))
        #expect(dataset.classNames == ["ant", "zebra"])
        #expect(dataset.labels == [0, 1, 1])
        #expect(dataset.files.map(\.lastPathComponent) == ["only.png", "a.PNG", "b.png"])
        let sample = dataset.sample(at: 2)
        #expect(sample.label == 1)
        #expect(sample.features.shape == [3, 4, 4])
        #expect(sample.features[2, 1, 1] == 1)  // the 2×2 white image sits at rows and columns 1…2
        #expect(sample.features[2, 0, 0] == 0)
        #expect(sample.features.scalars.reduce(0, +) == 12)
    }

    @Test func imageFolderErrorsNameTheFolderOrFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.url.appendingPathComponent("absent")
        #expect {
            try ImageFolder(directory: missing)
        } throws: { error in
            guard case let DatasetError.notInstalled(_, searchedPath, _) = error else { return false }
            return searchedPath == missing.path
        }
        try directory.write(handwrittenPNG(channels: 1, height: 2, width: 2, pixels: [1, 2, 3, 4]), to: "one/good.png")
        let bad = try directory.write([0xFF, 0xD8, 0xFF, 0x00], to: "one/bad.jpg")
        expectCorrupt(bad.path, mentioning: "bad JPEG image") { _ = try ImageFolder(directory: directory.url) }
    }
}
