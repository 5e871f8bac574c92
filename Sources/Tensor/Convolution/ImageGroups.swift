/// Convolutions over small feature maps, with several images per matrix product.
///
/// One image of a ResNet's last stage has 4 × 4 output positions, so its product
/// `weight [512, 4608] · columns [4608, 16]` is 16 columns wide: OpenBLAS packs the whole weight
/// for 16 columns of work, and its weight-gradient twin `G [512, 16] · Xᵀ [16, 4608]` has an inner
/// dimension of 16. Measured on one core, these ran at 40 and 28 GFLOP/s where the same work
/// 128–256 columns wide ran at 65–78. So when one image has fewer than `productColumns` output
/// positions, the columns of several images are laid side by side (`im2col` with a row stride)
/// and go through one product; the output gradient is gathered the same way, and the product's
/// result scattered back to `[N, O, Hout, Wout]`.
///
/// The groups of images depend only on the shape, so the results do not depend on the thread count.

extension Conv2dGeometry {
    /// The width a product aims for.
    static let productColumns = 256

    /// How many images share one matrix product: 1 when one image already has `productColumns`
    /// output positions (or the convolution has groups), otherwise enough images to fill about
    /// that many columns, and never more than the batch.
    var imagesPerProduct: Int {
        guard groups == 1 && columnCount < Self.productColumns else { return 1 }
        return max(1, min(batch, Self.productColumns / columnCount))
    }
}

/// Runs `body` on the images `0..<batch` cut into consecutive groups of `size` (the last one may
/// be smaller), the groups shared among the threads.
func forEachImageGroup(batch: Int, size: Int, _ body: (_ images: Range<Int>) -> Void) {
    let groupCount = (batch + size - 1) / size
    parallelChunks(count: groupCount, grain: 1) { groups in
        for group in groups { body((group * size)..<min(batch, (group + 1) * size)) }
    }
}

/// The images' planes as one matrix: plane `c` of image `i` (at `planes + i · channels · planeCount`
/// + `c · planeCount`) is the `position`-th stretch of row `c` of the matrix
/// `[channels, images.count · planeCount]`, `position` being `i`'s place in `images`.
/// Copies the planes into the matrix (`gathering`) or the matrix back into the planes.
@inline(__always)
func copyImagePlanes<Scalar>(
    images: Range<Int>, channels: Int, planeCount: Int,
    planes: UnsafeMutablePointer<Scalar>, matrix: UnsafeMutablePointer<Scalar>, gathering: Bool
) {
    let width = images.count * planeCount
    for (position, image) in images.enumerated() {
        for channel in 0..<channels {
            let plane = planes + (image * channels + channel) * planeCount
            let stretch = matrix + channel * width + position * planeCount
            if gathering {
                stretch.update(from: plane, count: planeCount)
            } else {
                plane.update(from: stretch, count: planeCount)
            }
        }
    }
}
