/// Deterministic image transforms on `[C, H, W]` tensors: pixels to [0, 1], per-channel
/// normalization, centered zero padding, grey to three channels.

extension Tensor where Scalar: FloatingPointTensorElement {
    /// Pixels `0…255` as floats in `[0, 1]`: `x / 255`, like torchvision's `ToTensor`.
    ///
    /// - Parameter pixels: any shape (images are `[C, H, W]`); the result has the same shape.
    @_specialize(where Scalar == Float)
    public init(unitIntervalFromPixels pixels: Tensor<UInt8>) {
        self.init(uninitializedShape: pixels.shape)
        let destination = storage.base
        // A table of the 256 possible values: one lookup per pixel, the same bits as dividing.
        let table = (0..<256).map { Scalar($0) / 255 }
        pixels.withUnsafeBufferPointer { source in
            table.withUnsafeBufferPointer { table in
                for index in source.indices { destination[index] = table[Int(source[index])] }
            }
        }
    }

    /// Each channel shifted and scaled: `(x[c] − mean[c]) / standardDeviation[c]`, like
    /// torchvision's `Normalize`.
    ///
    /// - Parameters: `mean` and `standardDeviation` hold one value per channel, `C`.
    /// - Returns: a contiguous `[C, H, W]` tensor.
    /// - Precondition: the image is `[C, H, W]`, both arrays have `C` values, deviations are non-zero.
    @_specialize(where Scalar == Float)
    public func normalized(mean: [Scalar], standardDeviation: [Scalar]) -> Tensor {
        precondition(rank == 3 && mean.count == shape[0] && standardDeviation.count == shape[0],
                     "normalized: image \(shape) needs [C, H, W] with C means and deviations, got \(mean.count) and \(standardDeviation.count)")
        precondition(!standardDeviation.contains(0), "normalized: a standard deviation is zero: \(standardDeviation)")
        var result = copied()
        let plane = shape[1] * shape[2]
        result.withUnsafeMutableBufferPointer { values in
            for channel in 0..<shape[0] {
                let (shift, scale) = (mean[channel], standardDeviation[channel])
                for index in channel * plane ..< (channel + 1) * plane {
                    values[index] = (values[index] - shift) / scale
                }
            }
        }
        return result
    }

    /// The image centered on a `height × width` canvas of zeros (28 × 28 → 32 × 32 adds two rows
    /// above and below and two columns each side); an odd margin puts the extra row below and
    /// the extra column right.
    ///
    /// - Precondition: the image is `[C, H, W]` with `H ≤ height` and `W ≤ width`.
    public func paddedCentered(height: Int, width: Int) -> Tensor {
        precondition(rank == 3 && shape[1] <= height && shape[2] <= width,
                     "paddedCentered: image \(shape) needs [C, H, W] no larger than \(height) × \(width)")
        let top = (height - shape[1]) / 2, left = (width - shape[2]) / 2
        return padded([(0, 0), (top, height - shape[1] - top), (left, width - shape[2] - left)])
    }

    /// A one-channel image repeated into three identical channels, `[1, H, W] → [3, H, W]`, for
    /// models that expect RGB.
    ///
    /// - Precondition: the image is `[1, H, W]`.
    public func expandedToThreeChannels() -> Tensor {
        precondition(rank == 3 && shape[0] == 1, "expandedToThreeChannels: image \(shape) is not [1, H, W]")
        return expanded(to: [3, shape[1], shape[2]]).contiguous()
    }
}
