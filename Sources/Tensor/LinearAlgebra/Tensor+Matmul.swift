import CBLAS

/// Matrix products with NumPy's `matmul` semantics, computed by OpenBLAS GEMM.

/// The matrix product of `a` and `b`, with NumPy's `matmul` semantics.
///
/// `C[..., i, j] = Σₗ A[..., i, l] · B[..., l, j]`
///
/// - Vector · vector: `[k] × [k] → []` (the dot product).
/// - Matrix · vector: `[..., m, k] × [k] → [..., m]`; vector · matrix: `[k] × [..., k, n] → [..., n]`.
/// - Matrix · matrix: `[..., m, k] × [..., k, n] → [..., m, n]`, where the leading (batch)
///   dimensions broadcast under NumPy's rules: `[B, 1, m, k] × [C, k, n] → [B, C, m, n]`.
///
/// Transposed and row-sliced matrices reach BLAS as transpose flags and leading dimensions, and
/// broadcast batches as repeated pointers: neither is copied. With `k = 0` the result is zeros.
/// Results do not depend on `ThreadBudget.count`.
///
/// - Precondition: both operands have at least one dimension, the inner dimensions agree, and the
///   batch dimensions broadcast.
// Specialized here, not only in the kernel, so that planning (a few microseconds when generic)
// costs little next to a 64 × 64 product.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func matmul<Scalar: FloatingPointTensorElement>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Tensor<Scalar> {
    matrixProduct(MatmulPlan(a, b))
}

/// The outer product of two vectors: `C[i, j] = a[i] · b[j]`, `[m] × [n] → [m, n]`.
///
/// - Precondition: both operands are vectors (rank 1).
public func outer<Scalar: FloatingPointTensorElement>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Tensor<Scalar> {
    precondition(a.rank == 1 && b.rank == 1, "outer: \(a.shape) × \(b.shape): operands must be vectors")
    // One product per element, so a broadcast multiply is exact and needs no BLAS call.
    return a.unsqueezed(at: 1) * b.unsqueezed(at: 0)
}

/// Products whose `m · n · k` is at most this run as one BLAS call on one thread: the bound
/// `BLAS.gemm` uses too (DESIGN.md, decision 13).
let smallProductVolume = 128 * 128 * 128

/// One GEMM call of a matrix product: a batch, or a block of rows or columns of a large product.
struct GEMMPiece {
    var left: Int, right: Int, output: Int  // storage positions of the first elements
    var m: Int, n: Int
}

/// The GEMM calls that compute `plan`, in an order and a split that depend only on the shapes.
///
/// OpenBLAS splits one product across its threads in a way that depends on the thread count,
/// and the edge blocks then round differently (a 200 × 190 × 210 Float product differs in the
/// last bits between one and two threads). So a large product is cut here into blocks of rows
/// (or columns, when there are more of them) fixed by its shape, each computed by one BLAS
/// thread; one thread or several, every element is computed by the same call.
func gemmPieces<Scalar>(_ plan: MatmulPlan<Scalar>) -> [GEMMPiece] {
    let n = plan.n, k = plan.k
    let leftOffsets: [Int], rightOffsets: [Int], rows: Int
    if plan.batchCount == 1 && plan.m * n * k <= smallProductVolume {
        return [GEMMPiece(left: plan.left.offset, right: plan.right.offset, output: 0, m: plan.m, n: n)]
    } else if plan.foldsBatchIntoRows || plan.batchCount == 1 {
        (leftOffsets, rightOffsets, rows) = ([plan.left.offset], [plan.right.offset], plan.m * plan.batchCount)
    } else {
        (leftOffsets, rightOffsets, rows) = (plan.batchOffsets(plan.left), plan.batchOffsets(plan.right), plan.m)
    }
    let blocks = rows * n * k <= smallProductVolume ? 1 : 4
    let splitsRows = rows >= n
    let size = splitsRows ? rows : n
    let blockSize = max(8, ((size + blocks - 1) / blocks + 7) / 8 * 8)
    // Moving one row down A (or one column along B) moves one stored row, or one element when
    // the matrix is stored transposed.
    let leftRowStep = plan.leftLayout.isTransposed ? 1 : plan.leftLayout.leadingDimension
    let rightColumnStep = plan.rightLayout.isTransposed ? plan.rightLayout.leadingDimension : 1
    var pieces: [GEMMPiece] = []
    pieces.reserveCapacity(leftOffsets.count * ((size + blockSize - 1) / blockSize))
    for batch in leftOffsets.indices {
        let output = batch * rows * n
        for start in stride(from: 0, to: size, by: blockSize) {
            let count = min(blockSize, size - start)
            pieces.append(splitsRows
                ? GEMMPiece(left: leftOffsets[batch] + start * leftRowStep, right: rightOffsets[batch],
                            output: output + start * n, m: count, n: n)
                : GEMMPiece(left: leftOffsets[batch], right: rightOffsets[batch] + start * rightColumnStep,
                            output: output + start, m: rows, n: count))
        }
    }
    return pieces
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func matrixProduct<Scalar: FloatingPointTensorElement>(_ plan: MatmulPlan<Scalar>) -> Tensor<Scalar> {
    let n = plan.n, k = plan.k
    let result = Tensor<Scalar>(uninitializedShape: plan.batchShape + [plan.m, n])
    if result.count == 0 { return result.reshaped(to: plan.resultShape) }
    if k == 0 {
        // An empty sum; BLAS would reject the leading dimensions of a k = 0 operand.
        result.storage.base.initialize(repeating: 0, count: result.count)
        return result.reshaped(to: plan.resultShape)
    }
    let pieces = gemmPieces(plan)
    let left = plan.left, right = plan.right
    let transposeA = plan.leftLayout.isTransposed, lda = plan.leftLayout.leadingDimension
    let transposeB = plan.rightLayout.isTransposed, ldb = plan.rightLayout.leadingDimension
    withExtendedLifetime((left, right)) {
        nonisolated(unsafe) let leftBase = UnsafePointer(left.storage.base)
        nonisolated(unsafe) let rightBase = UnsafePointer(right.storage.base)
        nonisolated(unsafe) let output = result.storage.base
        // The pieces run on our threads, each on one BLAS thread (see `gemmPieces`).
        let pieceVolume = max(1, pieces[0].m * pieces[0].n * k)
        parallelChunks(count: pieces.count, grain: max(1, 64 * 64 * 64 / pieceVolume)) { range in
            for piece in pieces[range] {
                BLAS.gemm(
                    transposeA: transposeA, transposeB: transposeB, m: piece.m, n: piece.n, k: k,
                    alpha: 1, a: leftBase + piece.left, lda: lda, b: rightBase + piece.right, ldb: ldb,
                    beta: 0, c: output + piece.output, ldc: n)
            }
        }
    }
    return result.shape == plan.resultShape ? result : result.reshaped(to: plan.resultShape)
}
