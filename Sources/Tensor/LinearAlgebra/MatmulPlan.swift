/// How the operands of a matrix product reach BLAS: as transpose flags and leading dimensions over
/// their own storage whenever the layout allows, copied only when it does not.

/// How one strided matrix is handed to a row-major GEMM without copying it.
///
/// A matrix whose columns are adjacent (column stride 1) goes as it is, with the row stride as its
/// leading dimension; one whose rows are adjacent (row stride 1) is the row-major transpose of its
/// transpose, so it goes with the transpose flag and the column stride as leading dimension. Any
/// other layout (both strides above 1, a broadcast with stride 0) cannot be described to BLAS.
package struct BLASMatrixLayout: Equatable, Sendable {
    /// Whether the matrix goes to BLAS with the transpose flag.
    package var isTransposed: Bool
    /// The leading dimension (`lda`) BLAS reads the matrix with.
    package var leadingDimension: Int

    package init(isTransposed: Bool, leadingDimension: Int) {
        self.isTransposed = isTransposed
        self.leadingDimension = leadingDimension
    }

    /// The layout of a `rows × columns` matrix with these strides, or `nil` when it must be copied.
    package init?(rows: Int, columns: Int, rowStride: Int, columnStride: Int) {
        // BLAS requires a leading dimension of at least max(1, stored columns); a dimension of
        // size 1 never moves along its stride, so its stride does not matter.
        if (columns <= 1 || columnStride == 1) && (rows <= 1 || rowStride >= max(columns, 1)) {
            self.init(isTransposed: false, leadingDimension: rows <= 1 ? max(columns, 1) : rowStride)
        } else if (rows <= 1 || rowStride == 1) && (columns <= 1 || columnStride >= max(rows, 1)) {
            self.init(isTransposed: true, leadingDimension: columns <= 1 ? max(rows, 1) : columnStride)
        } else {
            return nil
        }
    }
}

extension BLASMatrixLayout {
    /// How BLAS reads the last two axes of `operand`; an operand no layout describes is first
    /// replaced by a contiguous copy (`copied` is then true).
    package static func reading<Scalar>(_ operand: inout Tensor<Scalar>) -> (layout: BLASMatrixLayout, copied: Bool) {
        let rows = operand.shape[operand.rank - 2], columns = operand.shape[operand.rank - 1]
        if let found = BLASMatrixLayout(rows: rows, columns: columns, rowStride: operand.strides[operand.rank - 2],
                                        columnStride: operand.strides[operand.rank - 1]) {
            return (found, false)
        }
        operand = operand.copied()
        return (BLASMatrixLayout(isTransposed: false, leadingDimension: max(columns, 1)), true)
    }
}

/// Everything a matrix product decides before it computes: the operands as batches of matrices
/// over their own storage, how each reaches BLAS, and the shape of the result.
///
/// `matmul` runs exactly this plan, so tests can check what it chose (no copy of a transposed
/// operand, no copy of a broadcast batch) rather than infer it from equal results.
package struct MatmulPlan<Scalar: FloatingPointTensorElement> {
    /// The left operand as `batchShape + [m, k]` (a vector promoted to `[1, k]`), a view over its
    /// own storage unless `leftWasCopied`; broadcast batch dimensions have stride 0.
    package let left: Tensor<Scalar>
    /// The right operand as `batchShape + [k, n]` (a vector promoted to `[k, 1]`).
    package let right: Tensor<Scalar>
    package let leftLayout: BLASMatrixLayout
    package let rightLayout: BLASMatrixLayout
    package let leftWasCopied: Bool
    package let rightWasCopied: Bool
    package let batchShape: [Int]
    package let m: Int
    package let n: Int
    package let k: Int
    /// The shape `matmul` returns: `batchShape + [m, n]` without the dimensions of promoted vectors.
    package let resultShape: [Int]
    /// Whether the whole batch runs as one GEMM of `batchCount · m` rows: the right operand is
    /// the same matrix for every batch and the left one's rows are evenly spaced across batches
    /// (a `[B, T, C] × [C, N]` linear layer).
    package let foldsBatchIntoRows: Bool

    package var batchCount: Int { batchShape.reduce(1, *) }

    package init(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) {
        precondition(a.rank >= 1 && b.rank >= 1,
                     "matmul: \(a.shape) × \(b.shape): operands must have at least one dimension")
        // Vectors become matrices: [k] → [1, k] on the left, [k] → [k, 1] on the right.
        var left = a.rank == 1 ? a.unsqueezed(at: 0) : a
        var right = b.rank == 1 ? b.unsqueezed(at: 1) : b
        m = left.shape[left.rank - 2]
        k = left.shape[left.rank - 1]
        n = right.shape[right.rank - 1]
        precondition(right.shape[right.rank - 2] == k, "matmul: \(a.shape) × \(b.shape): inner dimensions differ")

        // Two matrices (the common case: linear layers and their gradients) have no batch to
        // broadcast; skipping that work keeps the plan free of array allocations.
        let rank = max(left.rank, right.rank) - 2
        var batch: [Int] = []
        if rank > 0 {
            let leftBatch = Array(left.shape.dropLast(2))
            let rightBatch = Array(right.shape.dropLast(2))
            batch = [Int](repeating: 1, count: rank)
            for axis in 0..<rank {
                let l = axis < rank - leftBatch.count ? 1 : leftBatch[axis - (rank - leftBatch.count)]
                let r = axis < rank - rightBatch.count ? 1 : rightBatch[axis - (rank - rightBatch.count)]
                precondition(l == r || l == 1 || r == 1,
                             "matmul: \(a.shape) × \(b.shape): batch dimensions \(leftBatch) and \(rightBatch) cannot be broadcast together")
                batch[axis] = l == 1 ? r : l
            }
        }
        batchShape = batch

        // Copy a matrix layout BLAS cannot read *before* broadcasting it over the batch, so that a
        // broadcast operand is copied once, not once per batch.
        (leftLayout, leftWasCopied) = BLASMatrixLayout.reading(&left)
        (rightLayout, rightWasCopied) = BLASMatrixLayout.reading(&right)
        // Plain matrices need no broadcasting (and skip its small allocations).
        self.left = rank == 0 ? left : left.expanded(to: batch + [m, k])
        self.right = rank == 0 ? right : right.expanded(to: batch + [k, n])

        if rank == 0 && a.rank == 2 && b.rank == 2 {
            resultShape = [m, n]
        } else {
            var result = batch
            if a.rank > 1 { result.append(m) }
            if b.rank > 1 { result.append(n) }
            resultShape = result
        }

        foldsBatchIntoRows = rank > 0 && MatmulPlan.rowsAreEvenlySpaced(self.left, rank: rank, layout: leftLayout)
            && self.right.strides.prefix(rank).allSatisfy { $0 == 0 }
    }

    /// Whether the rows of every batch of `left` lie `leadingDimension` apart, batch after batch.
    private static func rowsAreEvenlySpaced(_ left: Tensor<Scalar>, rank: Int, layout: BLASMatrixLayout) -> Bool {
        guard !layout.isTransposed else { return false }
        var expected = layout.leadingDimension
        for axis in stride(from: rank, through: 0, by: -1) where left.shape[axis] != 1 {
            if left.strides[axis] != expected { return false }
            expected *= left.shape[axis]
        }
        return true
    }

    /// The storage position of each batch's matrix in `operand`, in row-major batch order.
    package func batchOffsets(_ operand: Tensor<Scalar>) -> [Int] {
        var offsets = [Int](repeating: operand.offset, count: batchCount)
        let rank = batchShape.count
        var index = [Int](repeating: 0, count: rank)
        var position = operand.offset
        for batch in 0..<batchCount {
            offsets[batch] = position
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                position += operand.strides[axis]
                if index[axis] < batchShape[axis] { break }
                position -= operand.strides[axis] * batchShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return offsets
    }
}
