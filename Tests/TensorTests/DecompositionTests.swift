import Foundation
import Testing
import Tensor
import _TestSupport

@Suite struct DecompositionTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture("linalg", bundle: .module) }

    func tolerance<Scalar: FloatingPointTensorElement>(_: Scalar.Type) -> Double {
        Scalar.self == Float.self ? 2e-5 : 1e-10  // the fixtures keep 12 digits
    }

    /// The same elements in a transposed layout, so LAPACK's inputs are not contiguous.
    func transposedLayout<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        x.transposed().contiguous().transposed()
    }

    /// `Qᵀ · Q ≈ I` for a matrix with orthonormal columns.
    func expectOrthonormalColumns<Scalar: FloatingPointTensorElement>(
        _ q: Tensor<Scalar>, _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let tolerance = tolerance(Scalar.self) * 10
        assertClose(matmul(q.transposed(), q), .eye(q.shape[1]), absolute: tolerance, relative: 0, comment,
                    sourceLocation: sourceLocation)
    }

    func checkSVD<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) throws {
        let tolerance = tolerance(type)
        for name in ["svd_tall", "svd_wide"] {
            let a: Tensor<Scalar> = fixture.tensor(name)
            let k = min(a.shape[0], a.shape[1])
            for fullMatrices in [true, false] {
                let (u, s, vt) = try svd(transposedLayout(a), fullMatrices: fullMatrices)
                let comment: Comment = "\(name) full: \(fullMatrices) \(type)"
                #expect(u.shape == [a.shape[0], fullMatrices ? a.shape[0] : k], comment)
                #expect(vt.shape == [fullMatrices ? a.shape[1] : k, a.shape[1]], comment)
                assertClose(s, fixture.tensor(name + "_s"), absolute: tolerance, relative: tolerance, comment)
                // U[:, :k] · diag(S) · Vᵀ[:k] rebuilds A.
                let rebuilt = matmul(u.sliced(axis: 1, to: k) * s, vt.sliced(axis: 0, to: k))
                assertClose(rebuilt, a, absolute: tolerance * 10, relative: tolerance, comment)
                expectOrthonormalColumns(u, comment)
                expectOrthonormalColumns(vt.transposed(), comment)
            }
        }
    }

    @Test func svdRebuildsTheMatrixAndMatchesNumPy() throws {
        try checkSVD(Float.self)
        try checkSVD(Double.self)
    }

    func checkQR<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) throws {
        let tolerance = tolerance(type)
        for name in ["qr_tall", "qr_wide"] {
            let a: Tensor<Scalar> = fixture.tensor(name)
            let k = min(a.shape[0], a.shape[1])
            let (q, r) = try qr(transposedLayout(a))
            let comment: Comment = "\(name) \(type)"
            #expect(q.shape == [a.shape[0], k] && r.shape == [k, a.shape[1]], comment)
            assertClose(matmul(q, r), a, absolute: tolerance * 10, relative: tolerance, comment)
            expectOrthonormalColumns(q, comment)
            for row in 0..<k { for column in 0..<row { #expect(r[row, column] == 0, comment) } }
            let diagonal = Tensor<Scalar>((0..<k).map { abs(r[$0, $0]) })
            assertClose(diagonal, fixture.tensor(name + "_r_diagonal"), absolute: tolerance, relative: tolerance, comment)
        }
    }

    @Test func qrRebuildsTheMatrixWithOrthonormalQ() throws {
        try checkQR(Float.self)
        try checkQR(Double.self)
    }

    func checkSymmetricEigen<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) throws {
        let tolerance = tolerance(type)
        let a: Tensor<Scalar> = fixture.tensor("symmetric")
        let (values, vectors) = try symmetricEigen(a)
        assertClose(values, fixture.tensor("symmetric_eigenvalues"), absolute: tolerance, relative: tolerance)
        assertClose(matmul(vectors * values, vectors.transposed()), a, absolute: tolerance * 10, relative: tolerance)
        expectOrthonormalColumns(vectors, "eigenvectors \(type)")
        // Only the lower triangle is read: whatever lies above the diagonal does not matter.
        var scrambled = a
        for row in 0..<4 { for column in (row + 1)..<4 { scrambled[row, column] = 100 } }
        let (sameValues, _) = try symmetricEigen(scrambled)
        #expect(sameValues == values)
    }

    @Test func symmetricEigenRebuildsTheMatrixWithAscendingEigenvalues() throws {
        try checkSymmetricEigen(Float.self)
        try checkSymmetricEigen(Double.self)
    }

    func checkCholesky<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) throws {
        let tolerance = tolerance(type)
        let a: Tensor<Scalar> = fixture.tensor("spd")
        let lower = try cholesky(transposedLayout(a))
        assertClose(lower, fixture.tensor("spd_cholesky"), absolute: tolerance, relative: tolerance)
        assertClose(matmul(lower, lower.transposed()), a, absolute: tolerance * 10, relative: tolerance)
        for row in 0..<4 { for column in (row + 1)..<4 { #expect(lower[row, column] == 0) } }
    }

    @Test func choleskyMatchesNumPyWithAZeroUpperTriangle() throws {
        try checkCholesky(Float.self)
        try checkCholesky(Double.self)
    }

    func checkSolve<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) throws {
        let tolerance = tolerance(type)
        let a: Tensor<Scalar> = fixture.tensor("solve_a")
        let b: Tensor<Scalar> = fixture.tensor("solve_b")
        let x = try solve(transposedLayout(a), transposedLayout(b))
        assertClose(x, fixture.tensor("solve_x"), absolute: tolerance * 10, relative: tolerance)
        assertClose(matmul(a, x), b, absolute: tolerance * 10, relative: tolerance)
        // A vector right-hand side, taken as a strided column of B.
        let vector = try solve(a, b.selecting(0, alongAxis: 1))
        #expect(vector.shape == [4])
        assertClose(vector, fixture.tensor("solve_vector_x"), absolute: tolerance * 10, relative: tolerance)
    }

    @Test func solveMatchesNumPy() throws {
        try checkSolve(Float.self)
        try checkSolve(Double.self)
    }

    @Test func numericalFailuresThrowErrorsThatSayWhat() {
        // The third leading minor of diag(2, 1, -1) is negative.
        let indefinite = Tensor<Double>(shape: [3, 3], scalars: [2, 0, 0, 0, 1, 0, 0, 0, -1])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(op: "cholesky", order: 3)) { try cholesky(indefinite) }
        #expect(LinearAlgebraError.notPositiveDefinite(op: "cholesky", order: 3).description
                == "cholesky: the leading minor of order 3 is not positive definite")

        // Rows (1, 2) and (2, 4) are parallel: elimination leaves U[1, 1] = 0.
        let singular = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 2, 4])
        #expect(throws: LinearAlgebraError.singular(op: "solve", pivot: 1)) { try solve(singular, Tensor<Float>([1, 1])) }

        let notFinite = Tensor<Float>(shape: [2, 2], scalars: [1, .nan, 0, 1])
        #expect(throws: LinearAlgebraError.nonFiniteInput(op: "svd")) { try svd(notFinite) }
        #expect(throws: LinearAlgebraError.nonFiniteInput(op: "qr")) { try qr(Tensor<Float>(shape: [2, 2], scalars: [1, .infinity, 0, 1])) }
        #expect(throws: LinearAlgebraError.nonFiniteInput(op: "symmetricEigen")) { try symmetricEigen(notFinite) }
    }

    @Test func zeroSizeMatrices() throws {
        let (u, s, vt) = try svd(Tensor<Float>.zeros([0, 3]))
        #expect(u.shape == [0, 0] && s.shape == [0] && vt == Tensor<Float>.eye(3))
        let (thinU, _, thinVt) = try svd(Tensor<Double>.zeros([2, 0]), fullMatrices: false)
        #expect(thinU.shape == [2, 0] && thinVt.shape == [0, 0])
        let (q, r) = try qr(Tensor<Float>.zeros([3, 0]))
        #expect(q.shape == [3, 0] && r.shape == [0, 0])
        #expect(try cholesky(Tensor<Double>.zeros([0, 0])).shape == [0, 0])
        #expect(try symmetricEigen(Tensor<Double>.zeros([0, 0])).eigenvectors.shape == [0, 0])
        #expect(try solve(Tensor<Float>.eye(3), Tensor<Float>.zeros([3, 0])).shape == [3, 0])
    }
}
