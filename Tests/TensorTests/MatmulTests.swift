import Foundation
import Testing
import Tensor
import _TestSupport

@Suite struct MatmulTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture("linalg", bundle: .module) }

    /// Float tolerances for sums of a few products of values near 1; Double is far tighter.
    func tolerance<Scalar: FloatingPointTensorElement>(_: Scalar.Type) -> Double {
        Scalar.self == Float.self ? 1e-5 : 1e-10  // the fixtures keep 12 digits
    }

    /// The same elements in a transposed layout: `x.transposed()` of a contiguous transpose.
    func transposedLayout<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        x.rank < 2 ? x : x.transposed().contiguous().transposed()
    }

    static let rankCases = ["vector_vector", "matrix_vector", "vector_matrix", "matrix_matrix", "batch_matrix",
                            "matrix_batch", "batch_batch", "broadcast_batches", "batch_vector", "vector_batch"]

    func checkRankCases<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) {
        for name in Self.rankCases {
            let a: Tensor<Scalar> = fixture.tensor(name + "_a")
            let b: Tensor<Scalar> = fixture.tensor(name + "_b")
            let expected: Tensor<Scalar> = fixture.tensor(name + "_c")
            let tolerance = tolerance(type)
            assertClose(matmul(a, b), expected, absolute: tolerance, relative: tolerance, "\(name) \(type)")
            // Every combination of row-major and transposed layouts gives the same product.
            assertClose(matmul(transposedLayout(a), b), expected, absolute: tolerance, relative: tolerance, "\(name) Aᵀ")
            assertClose(matmul(a, transposedLayout(b)), expected, absolute: tolerance, relative: tolerance, "\(name) Bᵀ")
            assertClose(matmul(transposedLayout(a), transposedLayout(b)), expected,
                        absolute: tolerance, relative: tolerance, "\(name) AᵀBᵀ")
        }
    }

    @Test func everyRankCombinationMatchesNumPy() {
        checkRankCases(Float.self)
        checkRankCases(Double.self)
    }

    func checkSlices<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) {
        let big: Tensor<Scalar> = fixture.tensor("big")  // [6, 10]
        let tolerance = tolerance(type)
        // big[1:4, 2:7] @ big[0:5, 3:6]
        let rows = matmul(big.sliced(axis: 0, from: 1, to: 4).sliced(axis: 1, from: 2, to: 7),
                          big.sliced(axis: 0, from: 0, to: 5).sliced(axis: 1, from: 3, to: 6))
        assertClose(rows, fixture.tensor("rows_sliced_c"), absolute: tolerance, relative: tolerance)
        // big[::2, 1::2] @ big[1::1, ::3][:5]
        let stepped = matmul(big.sliced(axis: 0, by: 2).sliced(axis: 1, from: 1, by: 2),
                             big.sliced(axis: 0, from: 1).sliced(axis: 1, by: 3).sliced(axis: 0, to: 5))
        assertClose(stepped, fixture.tensor("stepped_c"), absolute: tolerance, relative: tolerance)
        // big[::2, 1::2] @ big[0, ::2]
        let vector = matmul(big.sliced(axis: 0, by: 2).sliced(axis: 1, from: 1, by: 2),
                            big.selecting(0).sliced(axis: 0, by: 2))
        assertClose(vector, fixture.tensor("strided_vector_c"), absolute: tolerance, relative: tolerance)
    }

    @Test func slicedOperandsMatchNumPy() {
        checkSlices(Float.self)
        checkSlices(Double.self)
    }

    @Test func transposedMatricesReachBLASAsFlagsWithoutCopies() {
        let a = Tensor<Float>(shape: [4, 3], scalars: (0..<12).map { Float($0) })
        let b = Tensor<Float>(shape: [5, 4], scalars: (0..<20).map { Float($0) })
        let plan = MatmulPlan(a.transposed(), b.transposed())  // [3, 4] × [4, 5]
        #expect(!plan.leftWasCopied && !plan.rightWasCopied)
        #expect(plan.left.storage === a.storage && plan.right.storage === b.storage)
        #expect(plan.leftLayout == BLASMatrixLayout(isTransposed: true, leadingDimension: 3))
        #expect(plan.rightLayout == BLASMatrixLayout(isTransposed: true, leadingDimension: 4))
        #expect(matmul(a.transposed(), b.transposed()) == matmul(a.transposed().contiguous(), b.transposed().contiguous()))

        // Rows of a wider matrix: row-major with the wider row as leading dimension.
        let wide = Tensor<Float>(shape: [6, 10], scalars: (0..<60).map { Float($0) })
        let block = MatmulPlan(wide[1..<4, 2..<6], wide[0..<4, 0..<2])
        #expect(!block.leftWasCopied && !block.rightWasCopied)
        #expect(block.leftLayout == BLASMatrixLayout(isTransposed: false, leadingDimension: 10))
        // A strided vector is a one-row matrix read with the transpose flag: no copy either.
        let vector = MatmulPlan(wide.sliced(axis: 1, from: 0, to: 5).sliced(axis: 0, by: 2).transposed(),
                                wide.selecting(0).sliced(axis: 0, by: 4))
        #expect(!vector.leftWasCopied && !vector.rightWasCopied)
        // Steps along both axes leave no unit stride: that operand alone is copied.
        let stepped = MatmulPlan(wide.sliced(axis: 0, by: 2).sliced(axis: 1, by: 2), wide[0..<5, 0..<3])
        #expect(stepped.leftWasCopied && !stepped.rightWasCopied)
        #expect(stepped.left.storage !== wide.storage)
    }

    @Test func broadcastBatchesAreNotCopied() {
        let a = Tensor<Double>(shape: [2, 1, 3, 4], scalars: (0..<24).map { Double($0) })
        let b = Tensor<Double>(shape: [3, 4, 5], scalars: (0..<60).map { Double($0) })
        let plan = MatmulPlan(a, b)
        #expect(plan.batchShape == [2, 3] && plan.resultShape == [2, 3, 3, 5])
        #expect(plan.left.storage === a.storage && plan.right.storage === b.storage)
        #expect(plan.left.strides.prefix(2) == [12, 0] && plan.right.strides.prefix(2) == [0, 20])
        #expect(plan.batchOffsets(plan.right) == [0, 20, 40, 0, 20, 40])
        #expect(!plan.foldsBatchIntoRows)

        // A [B, T, C] × [C, N] product is one GEMM with B·T rows, whatever B's layout.
        let linear = MatmulPlan(Tensor<Double>.zeros([2, 3, 4]), Tensor<Double>.zeros([5, 4]).transposed())
        #expect(linear.foldsBatchIntoRows && !linear.rightWasCopied)
        // Unless the rows are not evenly spaced (every batch transposed).
        let transposedBatch = MatmulPlan(Tensor<Double>.zeros([2, 4, 3]).transposed(), Tensor<Double>.zeros([4, 5]))
        #expect(!transposedBatch.foldsBatchIntoRows && !transposedBatch.leftWasCopied)
        let expected = matmul(Tensor<Double>.zeros([2, 4, 3]).transposed().contiguous(), Tensor<Double>.zeros([4, 5]))
        #expect(matmul(Tensor<Double>.zeros([2, 4, 3]).transposed(), Tensor<Double>.zeros([4, 5])) == expected)
    }

    @Test func broadcastOperandGivesTheSameProductAsItsCopy() {
        let a = Tensor<Float>(shape: [3, 4], scalars: (0..<12).map { Float($0) * 0.5 - 2 })
        let b = Tensor<Float>(shape: [4, 2], scalars: (0..<8).map { Float($0) - 3 })
        let stacked = b.expanded(to: [5, 4, 2])  // stride 0 along the batch
        let product = matmul(a, stacked)
        #expect(product.shape == [5, 3, 2])
        for batch in 0..<5 { #expect(product.selecting(batch) == matmul(a, b)) }
        // A row broadcast inside the matrix (stride 0 between rows) is copied once, then used.
        let repeatedRow = Tensor<Float>([1, 2, 3, 4]).expanded(to: [3, 4])
        #expect(MatmulPlan(repeatedRow, b).leftWasCopied)
        #expect(matmul(repeatedRow, b) == matmul(repeatedRow.contiguous(), b))
    }

    @Test func zeroSizeDimensions() {
        #expect(matmul(Tensor<Float>.zeros([0, 3]), Tensor<Float>.ones([3, 4])).shape == [0, 4])
        #expect(matmul(Tensor<Float>.ones([3, 4]), Tensor<Float>.ones([4, 0])).shape == [3, 0])
        #expect(matmul(Tensor<Double>.ones([0, 2, 3]), Tensor<Double>.ones([3, 4])).shape == [0, 2, 4])
        // An empty inner dimension sums nothing: zeros of the full shape.
        let empty = matmul(Tensor<Float>.ones([2, 0]), Tensor<Float>.ones([0, 3]))
        #expect(empty == Tensor<Float>.zeros([2, 3]))
        let emptyDot = matmul(Tensor<Double>.ones([0]), Tensor<Double>.ones([0]))
        #expect(emptyDot.shape == [] && emptyDot.scalar == 0)
    }

    @Test func shapeErrorsNameTheOpAndTheShapes() async throws {
        let inner = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor<Float>.zeros([2, 3]), Tensor<Float>.zeros([4, 5]))
        }
        let innerMessage = String(decoding: try #require(inner).standardErrorContent, as: UTF8.self)
        #expect(innerMessage.contains("matmul: [2, 3] × [4, 5]: inner dimensions differ"))
        let batch = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor<Float>.zeros([2, 2, 3]), Tensor<Float>.zeros([3, 3, 5]))
        }
        let batchMessage = String(decoding: try #require(batch).standardErrorContent, as: UTF8.self)
        #expect(batchMessage.contains("matmul: [2, 2, 3] × [3, 3, 5]: batch dimensions [2] and [3] cannot be broadcast together"))
    }

    @Test func outerProduct() {
        let product = outer(Tensor<Double>([1, 2, 3]), Tensor<Double>([4, 5]).sliced(axis: 0, by: 1))
        #expect(product == Tensor(shape: [3, 2], scalars: [4, 5, 8, 10, 12, 15]))
    }

    /// Deterministic values in [-1, 1] without a random generator.
    func values<Scalar: FloatingPointTensorElement>(_ shape: [Int], seed: Double) -> Tensor<Scalar> {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Scalar(Foundation.sin(Double($0) * 0.731 + seed)) })
    }

    func checkThreadIndependence<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) {
        let saved = ThreadBudget.count
        defer { ThreadBudget.count = saved }
        // Many small products (the parallel batch path), a broadcast batch, and one large product
        // that OpenBLAS splits across its own threads.
        let cases: [(Tensor<Scalar>, Tensor<Scalar>)] = [
            (values([128, 16, 16], seed: 1), values([128, 16, 16], seed: 2)),
            (values([64, 20, 12], seed: 3).transposed(), values([20, 9], seed: 4)),
            (values([4, 1, 16, 16], seed: 5), values([40, 16, 16], seed: 6).transposed()),
            (values([200, 190], seed: 7), values([210, 190], seed: 8).transposed()),
            (values([130, 140], seed: 9).transposed(), values([130, 125], seed: 10)),
            // An odd batch of large products, each cut in two; attention scores Q · Kᵀ.
            (values([3, 100, 90], seed: 11), values([3, 90, 110], seed: 12)),
            (values([6, 65, 64], seed: 13), values([6, 65, 64], seed: 14).transposed()),
        ]
        for (a, b) in cases {
            ThreadBudget.count = 1
            let single = matmul(a, b)
            ThreadBudget.count = 2
            let double = matmul(a, b)
            let identical = single.scalars == double.scalars
            if !identical { Issue.record("\(a.shape) × \(b.shape) \(type): results differ between 1 and 2 threads") }
            // And both agree with a slow reference, so equal results are also right results.
            let k = a.shape[a.rank - 1]
            let index = single.shape.map { $0 - 1 }  // the last element
            var batchA = a, batchB = b
            while batchA.rank > 2 { batchA = batchA.selecting(batchA.shape[0] - 1) }
            while batchB.rank > 2 { batchB = batchB.selecting(batchB.shape[0] - 1) }
            let row = batchA.shape[0] - 1, column = batchB.shape[1] - 1
            let reference = (0..<k).reduce(0.0) { $0 + batchA[row, $1].doubleValue * batchB[$1, column].doubleValue }
            #expect(abs(single[index].doubleValue - reference) <= 1e-4 * Double(k))
        }
    }

    @Test func resultsDoNotDependOnTheThreadCount() {
        checkThreadIndependence(Float.self)
        checkThreadIndependence(Double.self)
    }

    /// The product of two matrices by one OpenBLAS call on contiguous copies: the reference for
    /// products that `matmul` splits into blocks.
    func blasProduct<Scalar: FloatingPointTensorElement>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Tensor<Scalar> {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        let left = a.scalars, right = b.scalars
        var result = [Scalar](repeating: 0, count: m * n)
        result.withUnsafeMutableBufferPointer { output in
            BLAS.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: left, lda: k,
                      b: right, ldb: n, beta: 0, c: output.baseAddress!, ldc: n)
        }
        return Tensor(shape: [m, n], scalars: result)
    }

    func checkLargeProducts<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) {
        let tolerance = Scalar.self == Float.self ? 1e-5 : 1e-12
        // Above the small-product bound, split into blocks of rows (transposed A) ...
        let tall = values([130, 140], seed: 11).transposed() as Tensor<Scalar>  // [140, 130]
        let square: Tensor<Scalar> = values([130, 125], seed: 12)
        assertClose(matmul(tall, square), blasProduct(tall, square), absolute: tolerance, relative: tolerance)
        // ... or of columns (transposed B), when there are more columns than rows.
        let short: Tensor<Scalar> = values([60, 190], seed: 13)
        let wide = values([200, 190], seed: 14).transposed() as Tensor<Scalar>  // [190, 200]
        assertClose(matmul(short, wide), blasProduct(short, wide), absolute: tolerance, relative: tolerance)
        // ... also in every batch of a batch of large products.
        let batch = values([2, 140, 130], seed: 17) as Tensor<Scalar>
        let product = matmul(batch, square)
        for index in 0..<2 {
            assertClose(product.selecting(index), blasProduct(batch.selecting(index), square),
                        absolute: tolerance, relative: tolerance)
        }
    }

    @Test func largeProductsSplitIntoBlocksMatchAReference() {
        checkLargeProducts(Float.self)
        checkLargeProducts(Double.self)
    }
}
