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

/// Fills `columns` (`[C/groups · kH · kW, Hout · Wout]`, contiguous) from one group of one image,
/// `image` pointing at its first channel (`[C/groups, H, W]`, contiguous).
func im2col<Scalar: FloatingPointTensorElement>(
    _ image: UnsafePointer<Scalar>, _ geometry: Conv2dGeometry, into columns: UnsafeMutablePointer<Scalar>
) {
    let g = geometry
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
                    let destination = row + outputRow * outputWidth
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
                row += g.columnCount
            }
        }
    }
}

/// Adds every entry of `columns` (`[C/groups · kH · kW, Hout · Wout]`) onto the input position it
/// was taken from by `im2col`, in `image` (`[C/groups, H, W]`, contiguous, already initialized).
func col2im<Scalar: FloatingPointTensorElement>(
    _ columns: UnsafePointer<Scalar>, _ geometry: Conv2dGeometry, addingInto image: UnsafeMutablePointer<Scalar>
) {
    let g = geometry
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
                    for index in 0..<(high - low) { destination[index * g.stride.width] += source[index] }
                }
                row += g.columnCount
            }
        }
    }
}

extension BLAS {
    /// `C ← α · op(A) · op(B) + β · C` on whatever thread count OpenBLAS has now.
    ///
    /// Used inside a parallel batch loop, where the caller has set OpenBLAS to one thread for the
    /// whole loop: `gemm` would change the process-wide thread count from several threads at once.
    static func gemmOnCurrentThreads<Scalar: FloatingPointTensorElement>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
        b: UnsafePointer<Scalar>, ldb: Int,
        beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        let ta = transposeA ? CblasTrans : CblasNoTrans
        let tb = transposeB ? CblasTrans : CblasNoTrans
        if Scalar.self == Float.self {
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k),
                        alpha as! Float, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), Int32(lda),
                        UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), Int32(ldb),
                        beta as! Float, UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
        } else if Scalar.self == Double.self {
            cblas_dgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k),
                        alpha as! Double, UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), Int32(lda),
                        UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), Int32(ldb),
                        beta as! Double, UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
        } else {
            preconditionFailure("gemm: no BLAS routine for \(Scalar.self)")
        }
    }
}

/// Runs `body` over the images `0..<batch`, split across the thread budget one image per chunk.
///
/// `body(images, parallel)` learns whether other threads run beside it: if so OpenBLAS has been
/// set to one thread for the whole loop (the cores are already busy with other images) and the
/// body must call `BLAS.gemmOnCurrentThreads`; if not it may call `BLAS.gemm`, which lets a large
/// product use every core. OpenBLAS splits a product over rows and columns, never over the inner
/// dimension, so both give the same bits.
func forEachImageChunk(batch: Int, _ body: (Range<Int>, Bool) -> Void) {
    let threads = ThreadBudget.count
    guard threads > 1 && batch > 1 else {
        if batch > 0 { body(0..<batch, false) }
        return
    }
    openblas_set_num_threads(1)
    defer { openblas_set_num_threads(Int32(threads)) }
    parallelChunks(count: batch, grain: 1) { images in body(images, true) }
}

/// `C ← α · op(A) · op(B) + β · C`, through `BLAS.gemm` outside a parallel loop and
/// `BLAS.gemmOnCurrentThreads` inside one. An empty inner dimension gives `β · C` (BLAS rejects a
/// leading dimension of 0).
@inline(__always)
func convolutionGemm<Scalar: FloatingPointTensorElement>(
    parallel: Bool, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
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
    if parallel {
        BLAS.gemmOnCurrentThreads(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                                  a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    } else {
        BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                  a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}
