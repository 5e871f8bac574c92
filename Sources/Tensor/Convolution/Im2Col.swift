import CBLAS

/// Lowering a convolution to a matrix product, and the pieces every convolution kernel shares.
///
/// `im2col` writes, for one image and one group, the column matrix `[C/groups · kH · kW, Hout · Wout]`
/// whose column `(oh, ow)` holds the input values under the kernel placed at that output position
/// (zeros where the kernel hangs over the padding). The convolution is then `weight · columns`.
/// `col2im` is its adjoint: it adds every entry of a column matrix back onto the input position it
/// came from, so overlapping windows accumulate.

/// The valid output columns `owLow..<owHigh` for a kernel tap at input offset `offset`
/// (`iw = ow · stride + offset` must lie in `0..<size`).
@inline(__always)
private func validRange(offset: Int, stride: Int, size: Int, outputSize: Int) -> (Int, Int) {
    let low = offset >= 0 ? 0 : min(outputSize, (-offset + stride - 1) / stride)
    let last = size - 1 - offset
    let high = last < 0 ? 0 : min(outputSize, last / stride + 1)
    return (low, max(low, high))
}

/// Fills `columns` (`[C/groups · kH · kW, rows.count · Wout]`) with the columns of the output rows
/// `rows` (all of them by default) of one group of one image, `image` pointing at its first channel
/// (`[C/groups, H, W]`, contiguous). Rows of `columns` lie `rowStride` apart: by default they are
/// contiguous; a wider stride places the image's columns beside those of other images.
func im2col<Scalar: FloatingPointTensorElement>(
    _ image: UnsafePointer<Scalar>, _ geometry: Conv2dGeometry, outputRows rows: Range<Int>? = nil,
    into columns: UnsafeMutablePointer<Scalar>, rowStride: Int? = nil
) {
    let g = geometry
    let rows = rows ?? 0..<g.outputHeight
    let rowStride = rowStride ?? rows.count * g.outputWidth
    if g.stride == Spatial2d(1) && g.outputWidth == g.width {
        im2colKeepingWidth(image, g, outputRows: rows, into: columns, rowStride: rowStride)
        return
    }
    let planeCount = g.height * g.width
    let outputWidth = g.outputWidth
    var row = columns
    for channel in 0..<g.groupInputChannels {
        let plane = image + channel * planeCount
        for kernelRow in 0..<g.kernelHeight {
            let rowOffset = kernelRow * g.dilation.height - g.padding.height
            for kernelColumn in 0..<g.kernelWidth {
                let columnOffset = kernelColumn * g.dilation.width - g.padding.width
                let (low, high) = validRange(offset: columnOffset, stride: g.stride.width,
                                             size: g.width, outputSize: outputWidth)
                for outputRow in rows {
                    let destination = row + (outputRow - rows.lowerBound) * outputWidth
                    let inputRow = outputRow * g.stride.height + rowOffset
                    guard inputRow >= 0 && inputRow < g.height else {
                        destination.update(repeating: Scalar.zero, count: outputWidth)
                        continue
                    }
                    destination.update(repeating: Scalar.zero, count: low)
                    let source = plane + inputRow * g.width + low * g.stride.width + columnOffset
                    if g.stride.width == 1 {
                        (destination + low).update(from: source, count: high - low)
                    } else {
                        for index in 0..<(high - low) { destination[low + index] = source[index * g.stride.width] }
                    }
                    (destination + high).update(repeating: Scalar.zero, count: outputWidth - high)
                }
                row += rowStride
            }
        }
    }
}

/// `im2col` for stride 1 when the output is as wide as the input ("same" padding, the 3×3 convolutions
/// of ResNet): entry `d = oh · W + ow` of a column-matrix row then comes from plane position
/// `d + rowOffset · W + columnOffset`, a constant shift, so each row is one bulk copy of the valid
/// output rows followed by zeroing the few entries that fall into the left and right padding.
/// Same values as the row-by-row loop, with one copy per tap instead of one per output row.
@inline(__always)
private func im2colKeepingWidth<Scalar: FloatingPointTensorElement>(
    _ image: UnsafePointer<Scalar>, _ g: Conv2dGeometry, outputRows rows: Range<Int>,
    into columns: UnsafeMutablePointer<Scalar>, rowStride: Int
) {
    let width = g.width, planeCount = g.height * g.width
    let blockCount = rows.count * width, blockStart = rows.lowerBound * width
    var row = columns
    for channel in 0..<g.groupInputChannels {
        let plane = image + channel * planeCount
        for kernelRow in 0..<g.kernelHeight {
            let rowOffset = kernelRow * g.dilation.height - g.padding.height
            // Output rows of the block whose input row lies inside the image.
            let firstRow = min(rows.upperBound, max(rows.lowerBound, -rowOffset))
            let endRow = max(firstRow, min(rows.upperBound, g.height - rowOffset))
            for kernelColumn in 0..<g.kernelWidth {
                let columnOffset = kernelColumn * g.dilation.width - g.padding.width
                let (low, high) = validRange(offset: columnOffset, stride: 1, size: width, outputSize: width)
                let shift = rowOffset * width + columnOffset
                let block = row - blockStart  // indexed by d, the position in the whole output plane
                (block + blockStart).update(repeating: Scalar.zero, count: firstRow * width - blockStart)
                (block + endRow * width).update(repeating: Scalar.zero, count: blockStart + blockCount - endRow * width)
                // Entries of the valid rows whose source lies inside the plane; those left out are
                // in the padding columns, zeroed below with the ones that wrapped to the next row.
                let start = max(firstRow * width, -shift), end = min(endRow * width, planeCount - shift)
                if start < end { (block + start).update(from: plane + start + shift, count: end - start) }
                // One entry per row for the usual padding of 1 by a plain store: a call to memset
                // per row cost more than the bulk copy.
                for outputRow in firstRow..<endRow {
                    let destination = block + outputRow * width
                    if low == 1 { destination[0] = Scalar.zero } else { destination.update(repeating: Scalar.zero, count: low) }
                    if high == width - 1 {
                        destination[high] = Scalar.zero
                    } else {
                        (destination + high).update(repeating: Scalar.zero, count: width - high)
                    }
                }
                row += rowStride
            }
        }
    }
}

/// Adds every entry of `columns` (`[C/groups · kH · kW, Hout · Wout]`, rows `rowStride` apart,
/// contiguous by default) onto the input position it was taken from by `im2col`, in `image`
/// (`[C/groups, H, W]`, contiguous, already initialized).
func col2im<Scalar: FloatingPointTensorElement>(
    _ columns: UnsafePointer<Scalar>, _ geometry: Conv2dGeometry, addingInto image: UnsafeMutablePointer<Scalar>,
    rowStride: Int? = nil
) {
    let g = geometry
    let rowStride = rowStride ?? g.columnCount
    let planeCount = g.height * g.width
    let outputWidth = g.outputWidth
    var row = columns
    for channel in 0..<g.groupInputChannels {
        let plane = image + channel * planeCount
        for kernelRow in 0..<g.kernelHeight {
            let rowOffset = kernelRow * g.dilation.height - g.padding.height
            for kernelColumn in 0..<g.kernelWidth {
                let columnOffset = kernelColumn * g.dilation.width - g.padding.width
                let (low, high) = validRange(offset: columnOffset, stride: g.stride.width,
                                             size: g.width, outputSize: outputWidth)
                for outputRow in 0..<g.outputHeight {
                    let inputRow = outputRow * g.stride.height + rowOffset
                    guard inputRow >= 0 && inputRow < g.height else { continue }
                    let source = row + outputRow * outputWidth + low
                    let destination = plane + inputRow * g.width + low * g.stride.width + columnOffset
                    if g.stride.width == 1 {
                        // A separate loop with a constant stride, so that the compiler vectorizes it.
                        for index in 0..<(high - low) { destination[index] += source[index] }
                    } else {
                        for index in 0..<(high - low) { destination[index * g.stride.width] += source[index] }
                    }
                }
                row += rowStride
            }
        }
    }
}

/// Runs `body` over the images `0..<batch` with OpenBLAS on one thread.
///
/// Several images are split across the thread budget, one image per chunk. A single image is left
/// to `body`, whose products then split their columns across the threads (`splitColumns: true`).
/// Either way every product runs on one BLAS thread over a block fixed by the problem size: OpenBLAS
/// on several threads gives different bits than on one (seen with 0.3.21), and the results must
/// not depend on the thread count.
func forEachImageChunk(batch: Int, _ body: (_ images: Range<Int>, _ splitColumns: Bool) -> Void) {
    guard batch > 0 else { return }
    if batch == 1 {
        body(0..<1, true)
    } else {
        parallelChunks(count: batch, grain: 1) { images in body(images, false) }
    }
}

/// `C ← op(A) · B + β · C` (`B` as stored, or transposed) on the current BLAS threads, optionally
/// with the columns of `C` split into blocks across the thread budget. The blocks depend only on
/// `n`. An empty inner dimension gives `β · C` (BLAS rejects a leading dimension of 0).
@inline(__always)
func convolutionGemm<Scalar: FloatingPointTensorElement>(
    splitColumns: Bool, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Scalar>, lda: Int, b: UnsafePointer<Scalar>, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
) {
    guard m > 0 && n > 0 else { return }
    if k == 0 {
        for row in 0..<m {
            let destination = c + row * ldc
            for column in 0..<n { destination[column] = beta == 0 ? 0 : beta * destination[column] }
        }
        return
    }
    // Blocks of at least 128 columns, a multiple of 16, about n / 8 wide.
    let width = splitColumns ? max(128, ((n + 7) / 8 + 15) / 16 * 16) : n
    let blocks = (n + width - 1) / width
    parallelChunks(count: blocks, grain: 1) { range in
        for block in range {
            let start = block * width
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: min(width, n - start),
                                      k: k, alpha: 1, a: a, lda: lda, b: b + (transposeB ? start * ldb : start),
                                      ldb: ldb, beta: beta, c: c + start, ldc: ldc)
        }
    }
}
