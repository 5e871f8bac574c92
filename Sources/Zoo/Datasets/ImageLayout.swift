/// How a dataset presents its images: zero-padded to a larger square and/or repeated to more
/// channels, so that greyscale 28×28 data takes CIFAR's `[3, 32, 32]` shape.
///
/// ```swift
/// let fashion = try FashionMNIST(split: .train, layout: .cifarShaped)  // samples are [3, 32, 32]
/// ```
public struct ImageLayout: Sendable, Hashable {
    /// The side of the square the image is centred in, with zeros around it; `nil` keeps the
    /// native size. Must be at least the native height and width.
    public var paddedSize: Int?
    /// The number of channels a one-channel image is repeated to; `nil` keeps the native count.
    /// Only one-channel images can be repeated.
    public var channelCount: Int?

    /// - Parameters:
    ///   - paddedSize: the side of the output square, or `nil` for the native size.
    ///   - channelCount: the output channel count for one-channel images, or `nil`.
    public init(paddedSize: Int? = nil, channelCount: Int? = nil) {
        precondition(paddedSize.map { $0 > 0 } ?? true, "ImageLayout: padded size \(paddedSize!) must be positive")
        precondition(channelCount.map { $0 > 0 } ?? true, "ImageLayout: channel count \(channelCount!) must be positive")
        self.paddedSize = paddedSize
        self.channelCount = channelCount
    }

    /// The images as stored: `[1, 28, 28]` for MNIST.
    public static let native = ImageLayout()
    /// Padded to 32×32 (2 pixels of zeros on each side of a 28×28 digit): `[1, 32, 32]`.
    public static let padded32 = ImageLayout(paddedSize: 32)
    /// Padded to 32×32 and repeated to three channels: CIFAR-10's `[3, 32, 32]`.
    public static let cifarShaped = ImageLayout(paddedSize: 32, channelCount: 3)

    /// The `[C, H, W]` shape an image of `shape` takes in this layout.
    ///
    /// Precondition: the padded size is at least `H` and `W`; channels are repeated only from one.
    public func outputShape(for shape: [Int]) -> [Int] {
        precondition(shape.count == 3, "ImageLayout: image shape \(shape) is not [C, H, W]")
        var result = shape
        if let channelCount, channelCount != shape[0] {
            precondition(shape[0] == 1,
                         "ImageLayout: cannot repeat \(shape[0]) channels to \(channelCount); only one-channel images repeat")
            result[0] = channelCount
        }
        if let paddedSize {
            precondition(paddedSize >= shape[1] && paddedSize >= shape[2],
                         "ImageLayout: padded size \(paddedSize) is smaller than the image \(shape[1])×\(shape[2])")
            result[1] = paddedSize
            result[2] = paddedSize
        }
        return result
    }

    /// Converts one `[C, H, W]` byte image, stored contiguously at `pixels`, to floats
    /// `pixel / maximumValue` in this layout.
    ///
    /// Padding goes `(size − H) / 2` rows above and the rest below (likewise left and right).
    /// A true division rather than a multiplication by `1 / maximumValue`, so that values equal
    /// torchvision's `ToTensor` bit for bit.
    public func floats(from pixels: UnsafePointer<UInt8>, shape: [Int], maximumValue: Float) -> Tensor<Float> {
        let output = outputShape(for: shape)
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        let (outputHeight, outputWidth) = (output[1], output[2])
        let top = (outputHeight - height) / 2, left = (outputWidth - width) / 2
        let result = Tensor<Float>(uninitializedShape: output)
        let base = result.storage.base
        let planeCount = outputHeight * outputWidth
        if outputHeight != height || outputWidth != width {
            base.initialize(repeating: 0, count: output[0] * planeCount)
        }
        for channel in 0..<output[0] {
            let source = pixels + (channels == 1 ? 0 : channel) * height * width
            let plane = base + channel * planeCount + top * outputWidth + left
            for row in 0..<height {
                let sourceRow = source + row * width, destinationRow = plane + row * outputWidth
                for column in 0..<width { destinationRow[column] = Float(sourceRow[column]) / maximumValue }
            }
        }
        return result
    }
}
