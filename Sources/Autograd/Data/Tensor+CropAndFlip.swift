/// Cropping (with zero padding) and horizontal flips of `[C, H, W]` images, fixed and random.
///
/// The random versions take an explicit generator and are otherwise pure: the same image and
/// generator state give the same result on every thread.

extension Tensor where Scalar: FloatingPointTensorElement {
    /// The `height × width` window whose top-left pixel is at `(top, left)`; where the window
    /// leaves the image it reads zeros.
    ///
    /// `result[c, y, x] = self[c, top + y, left + x]` inside the image, 0 outside. Negative
    /// `top`/`left` reach into a zero border: `cropped(top: -4, left: -4, height: H + 8, width: W + 8)`
    /// pads by 4 on every side.
    ///
    /// - Returns: a contiguous `[C, height, width]` tensor.
    /// - Precondition: the image is `[C, H, W]`; `height` and `width` are non-negative.
    @_specialize(where Scalar == Float)
    public func cropped(top: Int, left: Int, height: Int, width: Int) -> Tensor {
        precondition(rank == 3 && height >= 0 && width >= 0,
                     "cropped: image \(shape) needs [C, H, W] and a non-negative window, got \(height) × \(width)")
        let (channels, sourceHeight, sourceWidth) = (shape[0], shape[1], shape[2])
        let result = Tensor(uninitializedShape: [channels, height, width])
        let destination = result.storage.base
        // The window's columns that lie inside the image: x in firstColumn ..< endColumn.
        let firstColumn = Swift.min(Swift.max(0, -left), width)
        let endColumn = Swift.max(firstColumn, Swift.min(width, sourceWidth - left))
        withUnsafeBufferPointer { source in
            for channel in 0..<channels {
                for y in 0..<height {
                    let row = destination + (channel * height + y) * width
                    let sourceRow = top + y
                    guard sourceRow >= 0 && sourceRow < sourceHeight && firstColumn < endColumn else {
                        row.initialize(repeating: Scalar.zeroValue, count: width)
                        continue
                    }
                    // Row copies: zeros left of the image, one block copy, zeros right of it.
                    row.initialize(repeating: Scalar.zeroValue, count: firstColumn)
                    let start = source.baseAddress! + (channel * sourceHeight + sourceRow) * sourceWidth + left + firstColumn
                    (row + firstColumn).update(from: start, count: endColumn - firstColumn)
                    (row + endColumn).initialize(repeating: Scalar.zeroValue, count: width - endColumn)
                }
            }
        }
        return result
    }

    /// A random `height × width` window of the image padded by `padding` zeros on every side,
    /// like torchvision's `RandomCrop(size, padding)`.
    ///
    /// The window's top-left corner in the padded image is uniform over
    /// `0…(H + 2·padding − height) × 0…(W + 2·padding − width)` (first the row, then the column).
    ///
    /// - Returns: a contiguous `[C, height, width]` tensor.
    /// - Precondition: the image is `[C, H, W]` with `height ≤ H + 2·padding`, `width ≤ W + 2·padding`.
    public func randomlyCropped(
        height: Int, width: Int, padding: Int = 0, using generator: inout PhiloxGenerator
    ) -> Tensor {
        precondition(rank == 3 && padding >= 0 && height <= shape[1] + 2 * padding && width <= shape[2] + 2 * padding,
                     "randomlyCropped: image \(shape) padded by \(padding) is smaller than \(height) × \(width)")
        let top = generator.uniformInteger(below: shape[1] + 2 * padding - height + 1) - padding
        let left = generator.uniformInteger(below: shape[2] + 2 * padding - width + 1) - padding
        return cropped(top: top, left: left, height: height, width: width)
    }

    /// The image mirrored left to right: `result[c, y, x] = self[c, y, W − 1 − x]`.
    ///
    /// - Precondition: the image is `[C, H, W]`.
    @_specialize(where Scalar == Float)
    public func flippedHorizontally() -> Tensor {
        precondition(rank == 3, "flippedHorizontally: image \(shape) is not [C, H, W]")
        let width = shape[2]
        let result = Tensor(uninitializedShape: shape)
        let destination = result.storage.base
        withUnsafeBufferPointer { source in
            for row in 0 ..< shape[0] * shape[1] {
                let from = source.baseAddress! + row * width, to = destination + row * width
                for x in 0..<width { to[x] = from[width - 1 - x] }
            }
        }
        return result
    }

    /// The image mirrored left to right with probability `probability`, otherwise unchanged,
    /// like torchvision's `RandomHorizontalFlip(p)`. Always draws one number.
    ///
    /// - Precondition: the image is `[C, H, W]`; `0 ≤ probability ≤ 1`.
    public func randomlyFlippedHorizontally(
        probability: Double = 0.5, using generator: inout PhiloxGenerator
    ) -> Tensor {
        precondition(rank == 3 && probability >= 0 && probability <= 1,
                     "randomlyFlippedHorizontally: image \(shape), probability \(probability): need [C, H, W] and p in [0, 1]")
        return generator.uniform(from: 0, to: 1) < probability ? flippedHorizontally() : self
    }
}
