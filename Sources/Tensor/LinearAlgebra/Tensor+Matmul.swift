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
    // Two matrices that BLAS reads as they are (linear layers and their gradients, called
    // thousands of times a step) skip the plan: its arrays and retains cost as much as an
    // 8 × 8 GEMM. Everything else goes through `MatmulPlan`, which this path agrees with.
    if a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[0] && a.shape[1] > 0,
       let leftLayout = BLASMatrixLayout(rows: a.shape[0], columns: a.shape[1],
                                         rowStride: a.strides[0], columnStride: a.strides[1]),
       let rightLayout = BLASMatrixLayout(rows: b.shape[0], columns: b.shape[1],
                                          rowStride: b.strides[0], columnStride: b.strides[1]) {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        let result = Tensor<Scalar>(storage: TensorStorage.uninitialized(count: m * n), shape: [m, n],
                                    strides: [n, 1], offset: 0)
        if m > 0 && n > 0 {
            runGEMMs(GEMMSplit(products: 1, rows: m, columns: n, depth: k), k: k,
                     left: a.storage, leftLayout: leftLayout, leftOffsets: [], leftOffset: a.offset,
                     right: b.storage, rightLayout: rightLayout, rightOffsets: [], rightOffset: b.offset,
                     output: result.storage.base)
        }
        return result
    }
    return matrixProduct(MatmulPlan(a, b))
}

/// The outer product of two vectors: `C[i, j] = a[i] · b[j]`, `[m] × [n] → [m, n]`.
///
/// - Precondition: both operands are vectors (rank 1).
public func outer<Scalar: FloatingPointTensorElement>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Tensor<Scalar> {
    precondition(a.rank == 1 && b.rank == 1, "outer: \(a.shape) × \(b.shape): operands must be vectors")
    // One product per element, so a broadcast multiply is exact and needs no BLAS call.
    return a.unsqueezed(at: 1) * b.unsqueezed(at: 0)
}

/// How the GEMM calls of one matrix product are cut, as a function of its shape alone.
///
/// OpenBLAS splits one product across its threads in a way that depends on the thread count,
/// and the edge blocks then round differently (a 200 × 190 × 210 Float product differs in the
/// last bits between one and two threads). So OpenBLAS stays on one thread, and a product is cut
/// here into blocks of rows (or of columns, when there are more of them), each computed by one
/// single-threaded call; one thread or several, every element is computed by the same call.
///
/// Each block packs the whole of the operand that is not cut (B for blocks of rows), which a
/// threaded OpenBLAS packs once and shares. Measured on 2 cores (Zen 3, CPU time of the pieces
/// run one after another), two blocks cost 0–5 % more work than one call, four 3–15 %, eight
/// 6–50 %, at every n from 96 to 2048. So a product is cut in two, and in more only past
/// `2 · preferredBlockSize`, where packing is a small part of a block's work; the count is a
/// power of two, which shares evenly between 2, 4 or 8 threads.
struct GEMMSplit: Equatable {
    /// Products below this many multiply-adds run as one call: handing half to another thread
    /// costs more than it saves. On 2 cores 64³ (8 µs) runs best on one thread, 96³ on two.
    static let splitVolume = 80 * 80 * 80
    static let preferredBlockSize = 1024
    static let maximumBlocks = 16
    /// Block boundaries fall on multiples of 8 rows or columns, whole tiles of OpenBLAS's kernels.
    static let alignment = 8

    /// The number of independent GEMM products (batches that do not fold into rows).
    var products: Int
    /// The rows and columns of each product.
    var rows: Int, columns: Int
    var splitsRows: Bool
    var blockSize: Int
    var blocksPerProduct: Int

    init(products: Int, rows: Int, columns: Int, depth: Int) {
        self.products = products
        self.rows = rows
        self.columns = columns
        splitsRows = rows >= columns
        let size = splitsRows ? rows : columns
        var blocks = 1
        // An even batch, or a long one, already shares whole products evenly between the threads.
        let batchShares = products >= 8 || (products >= 2 && products % 2 == 0)
        if !batchShares && rows * columns * depth >= Self.splitVolume && size >= 2 * Self.alignment {
            blocks = 2
            while blocks < Self.maximumBlocks && size / (2 * blocks) >= Self.preferredBlockSize { blocks *= 2 }
        }
        blockSize = ((size + blocks - 1) / blocks + Self.alignment - 1) / Self.alignment * Self.alignment
        blocksPerProduct = (size + blockSize - 1) / blockSize
    }

    var pieceCount: Int { products * blocksPerProduct }
    /// The multiply-adds of the largest piece.
    func pieceVolume(depth: Int) -> Int { (splitsRows ? blockSize * columns : rows * blockSize) * depth }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func matrixProduct<Scalar: FloatingPointTensorElement>(_ plan: MatmulPlan<Scalar>) -> Tensor<Scalar> {
    let n = plan.n, k = plan.k
    let plainMatrices = plan.batchShape.isEmpty && plan.resultShape.count == 2
    let result = Tensor<Scalar>(uninitializedShape: plainMatrices ? plan.resultShape : plan.batchShape + [plan.m, n])
    if result.count == 0 { return plainMatrices ? result : result.reshaped(to: plan.resultShape) }
    if k == 0 {
        // An empty sum; BLAS would reject the leading dimensions of a k = 0 operand.
        result.storage.base.initialize(repeating: 0, count: result.count)
        return plainMatrices ? result : result.reshaped(to: plan.resultShape)
    }
    let folds = plan.foldsBatchIntoRows || plan.batchCount == 1
    let split = GEMMSplit(products: folds ? 1 : plan.batchCount, rows: folds ? plan.m * plan.batchCount : plan.m,
                          columns: n, depth: k)
    runGEMMs(split, k: k,
             left: plan.left.storage, leftLayout: plan.leftLayout,
             leftOffsets: split.products > 1 ? plan.batchOffsets(plan.left) : [], leftOffset: plan.left.offset,
             right: plan.right.storage, rightLayout: plan.rightLayout,
             rightOffsets: split.products > 1 ? plan.batchOffsets(plan.right) : [], rightOffset: plan.right.offset,
             output: result.storage.base)
    return plainMatrices ? result : result.reshaped(to: plan.resultShape)
}

/// Runs the GEMM calls of `split` into the contiguous `output`: product `p` reads its left matrix
/// at `leftOffsets[p]` (or `leftOffset` when there is one product), its right one likewise.
/// With `beta` 1 the products are added onto what `output` holds.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func runGEMMs<Scalar: FloatingPointTensorElement>(
    _ split: GEMMSplit, k: Int,
    left: TensorStorage<Scalar>, leftLayout: BLASMatrixLayout, leftOffsets: [Int], leftOffset: Int,
    right: TensorStorage<Scalar>, rightLayout: BLASMatrixLayout, rightOffsets: [Int], rightOffset: Int,
    output: UnsafeMutablePointer<Scalar>, beta: Scalar = 0
) {
    let transposeA = leftLayout.isTransposed, lda = leftLayout.leadingDimension
    let transposeB = rightLayout.isTransposed, ldb = rightLayout.leadingDimension
    let n = split.columns
    // Moving one row down A (or one column along B) moves one stored row, or one element when
    // the matrix is stored transposed.
    let leftRowStep = transposeA ? 1 : lda
    let rightColumnStep = transposeB ? ldb : 1
    withExtendedLifetime((left, right)) {
        let leftBase = UnsafePointer(left.base), rightBase = UnsafePointer(right.base)
        /// Piece `index`: block `index % blocksPerProduct` of product `index / blocksPerProduct`.
        func compute(_ index: Int) {
            let product = index / split.blocksPerProduct
            let start = index % split.blocksPerProduct * split.blockSize
            var a = leftBase + (split.products > 1 ? leftOffsets[product] : leftOffset)
            var b = rightBase + (split.products > 1 ? rightOffsets[product] : rightOffset)
            var c = output + product * split.rows * n
            var rows = split.rows, columns = n
            if split.splitsRows {
                rows = min(split.blockSize, split.rows - start)
                a += start * leftRowStep
                c += start * n
            } else {
                columns = min(split.blockSize, n - start)
                b += start * rightColumnStep
                c += start
            }
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: rows, n: columns, k: k,
                      alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: n)
        }
        if split.pieceCount == 1 {
            compute(0)
            return
        }
        // Small pieces (a batch of small products) go to the threads in runs of about 64³.
        parallelChunks(count: split.pieceCount, grain: max(1, 64 * 64 * 64 / split.pieceVolume(depth: k))) { range in
            for index in range { compute(index) }
        }
    }
}
