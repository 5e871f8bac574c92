import Foundation

/// Images tiled in a grid with a border between them, written as a PNG: a batch of samples,
/// reconstructions beside originals, filters.
///
/// ```swift
/// // Row 1: originals, row 2: masked inputs, row 3: reconstructions (8 images each).
/// let rows = Tensor.concatenating([originals, masked, reconstructions])   // [24, 1, 28, 28]
/// try ImageGrid(images: rows, columns: 8).write(to: folder.appendingPathComponent("reconstructions.png"))
/// ```
///
/// Images fill the grid row by row; cells after the last image stay the border's colour.
public struct ImageGrid: Sendable {
    /// The images, `[N, C, H, W]` with `C` 1 (grey) or 3 (RGB).
    public var images: Tensor<Float>
    /// The images per row.
    public var columns: Int
    /// The border in pixels around and between the images.
    public var padding: Int
    /// The values shown as black (lower bound) and white (upper bound); values outside are clipped.
    public var range: ClosedRange<Float>
    /// The border's grey level, 0 (black) to 255 (white).
    public var paddingValue: UInt8

    /// A grid of `images` with `columns` images per row.
    ///
    /// - Parameters:
    ///   - images: `[N, C, H, W]`, `C` 1 or 3, `N ≥ 1`.
    ///   - columns: images per row (at least 1); the grid has `⌈N / columns⌉` rows.
    ///   - padding: pixels of border around and between the images (2).
    ///   - range: the values mapped to black and white (`0...1`).
    ///   - paddingValue: the border's grey level (255, white).
    /// - Precondition: the shapes and settings above.
    public init(images: Tensor<Float>, columns: Int, padding: Int = 2, range: ClosedRange<Float> = 0...1,
                paddingValue: UInt8 = 255) {
        precondition(images.rank == 4 && (images.shape[1] == 1 || images.shape[1] == 3) && images.shape[0] > 0,
                     "ImageGrid: images of shape \(images.shape) are not [N ≥ 1, 1 or 3, H, W]")
        precondition(columns >= 1, "ImageGrid: \(columns) columns; need at least 1")
        precondition(padding >= 0, "ImageGrid: padding \(padding) is negative")
        precondition(range.upperBound > range.lowerBound, "ImageGrid: range \(range) is empty")
        self.images = images
        self.columns = columns
        self.padding = padding
        self.range = range
        self.paddingValue = paddingValue
    }

    /// The number of rows, `⌈N / columns⌉`.
    public var rows: Int { (images.shape[0] + columns - 1) / columns }

    /// The picture's `[C, height, width]` size: `height = rows·(H + padding) + padding`, and
    /// likewise for the width.
    public var pictureShape: [Int] {
        let (channels, height, width) = (images.shape[1], images.shape[2], images.shape[3])
        return [channels, rows * (height + padding) + padding, columns * (width + padding) + padding]
    }

    /// The grid as bytes, `pictureShape`: each value `v` becomes `round(255·(v − low)/(high − low))`,
    /// clipped to `0...255`.
    public func pixels() -> Tensor<UInt8> {
        let (count, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let shape = pictureShape
        let (pictureHeight, pictureWidth) = (shape[1], shape[2])
        var bytes = [UInt8](repeating: paddingValue, count: shape.reduce(1, *))
        let values = images.contiguous().scalars
        let (low, scale) = (range.lowerBound, 255 / (range.upperBound - range.lowerBound))
        for image in 0..<count {
            let (row, column) = image.quotientAndRemainder(dividingBy: columns)
            let top = padding + row * (height + padding), left = padding + column * (width + padding)
            for channel in 0..<channels {
                for y in 0..<height {
                    let source = ((image * channels + channel) * height + y) * width
                    let destination = (channel * pictureHeight + top + y) * pictureWidth + left
                    for x in 0..<width {
                        let level = ((values[source + x] - low) * scale).rounded()
                        // NaN compares false both ways and ends up black rather than trapping.
                        bytes[destination + x] = level >= 255 ? 255 : (level > 0 ? UInt8(level) : 0)
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: bytes)
    }

    /// Writes the grid as a PNG (grey for one channel, RGB for three), atomically.
    ///
    /// - Throws: `DatasetError.corruptFile` naming `url` when it cannot be written.
    public func write(to url: URL) throws {
        try ImageFile.write(pixels(), to: url, format: .png)
    }
}
