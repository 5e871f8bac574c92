import Foundation

/// Bilinear resizing and torchvision's random resized crop for `[C, H, W]` images.

/// A rectangle of an image, in pixels: rows `top ..< top + height`, columns `left ..< left + width`.
public struct CropRegion: Hashable, Sendable {
    /// The first row.
    public var top: Int
    /// The first column.
    public var left: Int
    /// The number of rows.
    public var height: Int
    /// The number of columns.
    public var width: Int

    /// The region of rows `top ..< top + height` and columns `left ..< left + width`.
    public init(top: Int, left: Int, height: Int, width: Int) {
        (self.top, self.left, self.height, self.width) = (top, left, height, width)
    }
}

/// Where output pixel `index` reads from along one axis: `(1 − weight)·source[first] + weight·source[second]`.
private struct BilinearTap {
    var first: Int
    var second: Int
    var weight: Double

    /// The taps of an axis of `outputSize` pixels over `inputSize` source pixels from `start`, with
    /// half-pixel centers (PyTorch's `align_corners=False`): `s = (index + ½)·input/output − ½`,
    /// clamped at 0.
    static func taps(start: Int, inputSize: Int, outputSize: Int) -> [BilinearTap] {
        let scale = Double(inputSize) / Double(outputSize)
        return (0..<outputSize).map { index in
            let position = Swift.max(0, (Double(index) + 0.5) * scale - 0.5)
            let first = Swift.min(Int(position), inputSize - 1)
            let second = Swift.min(first + 1, inputSize - 1)
            return BilinearTap(first: start + first, second: start + second, weight: position - Double(first))
        }
    }
}

extension Tensor where Scalar: FloatingPointTensorElement {
    /// The image resized to `height × width` by bilinear interpolation with half-pixel centers,
    /// like PyTorch's `interpolate(mode: "bilinear", align_corners: false, antialias: false)`.
    ///
    /// - Returns: a contiguous `[C, height, width]` tensor; resizing to the same size is the identity.
    /// - Precondition: the image is `[C, H, W]` with `H, W ≥ 1`; `height, width ≥ 1`.
    public func resized(height: Int, width: Int) -> Tensor {
        precondition(rank == 3, "resized: image \(shape) is not [C, H, W]")
        return resized(region: CropRegion(top: 0, left: 0, height: shape[1], width: shape[2]), height: height, width: width)
    }

    /// The pixels of `region` resized to `height × width` (bilinear, half-pixel centers), without
    /// copying the region first.
    ///
    /// - Precondition: the image is `[C, H, W]`; `region` is non-empty and inside it; `height, width ≥ 1`.
    @_specialize(where Scalar == Float)
    public func resized(region: CropRegion, height: Int, width: Int) -> Tensor {
        precondition(rank == 3 && region.height >= 1 && region.width >= 1 && region.top >= 0 && region.left >= 0
                     && region.top + region.height <= shape[1] && region.left + region.width <= shape[2],
                     "resized: region \(region) does not lie inside image \(shape)")
        precondition(height >= 1 && width >= 1, "resized: output size \(height) × \(width) is empty")
        let (channels, sourceHeight, sourceWidth) = (shape[0], shape[1], shape[2])
        let rows = BilinearTap.taps(start: region.top, inputSize: region.height, outputSize: height)
        let columns = BilinearTap.taps(start: region.left, inputSize: region.width, outputSize: width)
        let columnFirst = columns.map(\.first), columnSecond = columns.map(\.second)
        let columnWeight = columns.map { Scalar($0.weight) }
        let result = Tensor(uninitializedShape: [channels, height, width])
        let destination = result.storage.base
        withUnsafeBufferPointer { source in
            for channel in 0..<channels {
                let plane = source.baseAddress! + channel * sourceHeight * sourceWidth
                for y in 0..<height {
                    let upper = plane + rows[y].first * sourceWidth, lower = plane + rows[y].second * sourceWidth
                    let rowWeight = Scalar(rows[y].weight)
                    let output = destination + (channel * height + y) * width
                    for x in 0..<width {
                        let (a, b, w) = (columnFirst[x], columnSecond[x], columnWeight[x])
                        let top = upper[a] + w * (upper[b] - upper[a])
                        let bottom = lower[a] + w * (lower[b] - lower[a])
                        output[x] = top + rowWeight * (bottom - top)
                    }
                }
            }
        }
        return result
    }

    /// The region torchvision's `RandomResizedCrop` would cut from this image.
    ///
    /// Up to ten attempts: area fraction `s` uniform in `scale`, aspect ratio `r` log-uniform in
    /// `aspectRatio`, `w = round(√(s·H·W·r))`, `h = round(√(s·H·W / r))` (ties to even, as Python
    /// rounds); the first that fits is placed uniformly (row, then column). If none fits: the
    /// largest centered crop whose ratio is clamped into `aspectRatio`.
    ///
    /// - Precondition: the image is `[C, H, W]`; `0 < scale.lower ≤ scale.upper`, `0 < aspectRatio.lower ≤ aspectRatio.upper`.
    public func randomResizedCropRegion(
        scale: ClosedRange<Double> = 0.08...1, aspectRatio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3),
        using generator: inout PhiloxGenerator
    ) -> CropRegion {
        precondition(rank == 3 && scale.lowerBound > 0 && aspectRatio.lowerBound > 0,
                     "randomResizedCropRegion: image \(shape), scale \(scale), ratio \(aspectRatio): need [C, H, W] and positive ranges")
        let (height, width) = (shape[1], shape[2])
        let area = Double(height * width)
        let logRatio = Foundation.log(aspectRatio.lowerBound)...Foundation.log(aspectRatio.upperBound)
        for _ in 0..<10 {
            let targetArea = area * generator.uniform(from: scale.lowerBound, to: scale.upperBound)
            let ratio = Foundation.exp(generator.uniform(from: logRatio.lowerBound, to: logRatio.upperBound))
            let cropWidth = Int((targetArea * ratio).squareRoot().rounded(.toNearestOrEven))
            let cropHeight = Int((targetArea / ratio).squareRoot().rounded(.toNearestOrEven))
            if cropWidth > 0 && cropWidth <= width && cropHeight > 0 && cropHeight <= height {
                let top = generator.uniformInteger(below: height - cropHeight + 1)
                let left = generator.uniformInteger(below: width - cropWidth + 1)
                return CropRegion(top: top, left: left, height: cropHeight, width: cropWidth)
            }
        }
        // Fallback: a centered crop with the ratio clamped into range.
        let imageRatio = Double(width) / Double(height)
        var (cropHeight, cropWidth) = (height, width)
        if imageRatio < aspectRatio.lowerBound {
            cropHeight = Int((Double(width) / aspectRatio.lowerBound).rounded(.toNearestOrEven))
        } else if imageRatio > aspectRatio.upperBound {
            cropWidth = Int((Double(height) * aspectRatio.upperBound).rounded(.toNearestOrEven))
        }
        return CropRegion(top: (height - cropHeight) / 2, left: (width - cropWidth) / 2, height: cropHeight, width: cropWidth)
    }

    /// A random region (see `randomResizedCropRegion`) resized to `height × width` by bilinear
    /// interpolation, like torchvision's `RandomResizedCrop(size, scale, ratio)` without antialiasing.
    ///
    /// - Returns: a contiguous `[C, height, width]` tensor.
    /// - Precondition: as for `randomResizedCropRegion`; `height, width ≥ 1`.
    public func randomlyResizedCropped(
        height: Int, width: Int, scale: ClosedRange<Double> = 0.08...1,
        aspectRatio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3), using generator: inout PhiloxGenerator
    ) -> Tensor {
        let region = randomResizedCropRegion(scale: scale, aspectRatio: aspectRatio, using: &generator)
        return resized(region: region, height: height, width: width)
    }
}
