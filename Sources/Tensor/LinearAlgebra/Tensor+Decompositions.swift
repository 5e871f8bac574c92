/// Matrix decompositions and linear solves, computed by LAPACKE.
///
/// Each takes a matrix (rank 2) in any layout and copies it once into the contiguous buffer
/// LAPACK overwrites. A wrong shape stops with a precondition; a matrix whose numbers defeat the
/// algorithm (singular, not positive definite, not finite) throws a `LinearAlgebraError`.

/// A fresh contiguous copy of `matrix` for LAPACK to overwrite, refused when it is not finite
/// (LAPACK would loop on, or quietly return, NaNs).
private func workspace<Scalar: FloatingPointTensorElement>(
    _ matrix: Tensor<Scalar>, op: String
) throws(LinearAlgebraError) -> Tensor<Scalar> {
    let copy = matrix.copied()
    guard UnsafeBufferPointer(start: copy.storage.base, count: copy.count).allSatisfy({ $0.isFinite }) else {
        throw .nonFiniteInput(op: op)
    }
    return copy
}

/// Stops when LAPACK rejected an argument: the shapes were checked, so this is a bug here.
private func checkArguments(_ info: Int32, op: StaticString, shape: [Int]) {
    precondition(info >= 0, "\(op): LAPACK rejected argument \(-info) for shape \(shape)")
}

private func matrixSize<Scalar>(_ a: Tensor<Scalar>, op: StaticString, square: Bool) -> (rows: Int, columns: Int) {
    precondition(a.rank == 2, "\(op): shape \(a.shape): expected a matrix (rank 2)")
    precondition(!square || a.shape[0] == a.shape[1], "\(op): shape \(a.shape): expected a square matrix")
    return (a.shape[0], a.shape[1])
}

/// The singular value decomposition `A = U · diag(S) · Vᵀ`.
///
/// - Parameters:
///   - a: `[m, n]`.
///   - fullMatrices: `true` (the default, like NumPy) for square `U: [m, m]` and `Vᵀ: [n, n]`;
///     `false` for the thin `U: [m, k]` and `Vᵀ: [k, n]`, with `k = min(m, n)`.
/// - Returns: `U`, the singular values `S: [k]` in descending order, and `Vᵀ`.
/// - Throws: `LinearAlgebraError` when the iteration does not converge or `a` is not finite.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func svd<Scalar: FloatingPointTensorElement>(
    _ a: Tensor<Scalar>, fullMatrices: Bool = true
) throws(LinearAlgebraError) -> (u: Tensor<Scalar>, singularValues: Tensor<Scalar>, vTransposed: Tensor<Scalar>) {
    let (m, n) = matrixSize(a, op: "svd", square: false)
    let k = min(m, n)
    if k == 0 {
        // Nothing to decompose; the full factors are still orthogonal, like NumPy's.
        return (fullMatrices ? .eye(m) : .zeros([m, 0]), .zeros([0]), fullMatrices ? .eye(n) : .zeros([0, n]))
    }
    let uColumns = fullMatrices ? m : k, vRows = fullMatrices ? n : k
    let u = Tensor<Scalar>(uninitializedShape: [m, uColumns])
    let singularValues = Tensor<Scalar>(uninitializedShape: [k])
    let vTransposed = Tensor<Scalar>(uninitializedShape: [vRows, n])
    let job: Unicode.Scalar = fullMatrices ? "A" : "S"
    var work = try workspace(a, op: "svd")
    var info = withExtendedLifetime(work) {
        LAPACK.gesdd(job: job, m: m, n: n, a: work.storage.base, lda: n, s: singularValues.storage.base,
                     u: u.storage.base, ldu: uColumns, vt: vTransposed.storage.base, ldvt: n)
    }
    if info > 0 {
        // Divide and conquer occasionally fails where the slower QR iteration succeeds.
        work = try workspace(a, op: "svd")
        var scratch = [Scalar](repeating: 0, count: k)
        info = withExtendedLifetime(work) {
            scratch.withUnsafeMutableBufferPointer { scratch in
                LAPACK.gesvd(job: job, m: m, n: n, a: work.storage.base, lda: n, s: singularValues.storage.base,
                             u: u.storage.base, ldu: uColumns, vt: vTransposed.storage.base, ldvt: n,
                             superb: scratch.baseAddress!)
            }
        }
        if info > 0 { throw .noConvergence(op: "svd") }
    }
    checkArguments(info, op: "svd", shape: a.shape)
    return (u, singularValues, vTransposed)
}

/// The reduced QR decomposition `A = Q · R`.
///
/// - Parameter a: `[m, n]`.
/// - Returns: `Q: [m, k]` with orthonormal columns and the upper-triangular `R: [k, n]`,
///   `k = min(m, n)`. Signs follow LAPACK (and NumPy): the diagonal of `R` may be negative.
/// - Throws: `LinearAlgebraError.nonFiniteInput` when `a` holds an infinity or a NaN.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func qr<Scalar: FloatingPointTensorElement>(
    _ a: Tensor<Scalar>
) throws(LinearAlgebraError) -> (q: Tensor<Scalar>, r: Tensor<Scalar>) {
    let (m, n) = matrixSize(a, op: "qr", square: false)
    let k = min(m, n)
    if k == 0 { return (.zeros([m, 0]), .zeros([0, n])) }
    let work = try workspace(a, op: "qr")
    let reflectorScales = Tensor<Scalar>(uninitializedShape: [k])
    let r = Tensor<Scalar>.zeros([k, n])
    withExtendedLifetime((work, reflectorScales)) {
        let factors = work.storage.base, tau = reflectorScales.storage.base
        checkArguments(LAPACK.geqrf(m: m, n: n, a: factors, lda: n, tau: tau), op: "qr", shape: a.shape)
        // R is the upper triangle of the first k rows; the reflectors below it build Q.
        for row in 0..<k {
            (r.storage.base + row * n + row).update(from: factors + row * n + row, count: n - row)
        }
        checkArguments(LAPACK.orgqr(m: m, n: k, k: k, a: factors, lda: n, tau: tau), op: "qr", shape: a.shape)
    }
    // Q is the first k columns of the workspace (all of it when m ≥ n).
    return (k == n ? work : work.sliced(axis: 1, to: k).copied(), r)
}

/// The eigendecomposition of a symmetric matrix, `A = V · diag(λ) · Vᵀ`.
///
/// Only the lower triangle of `a` is read (NumPy's `eigh` default).
///
/// - Parameter a: `[n, n]`, symmetric.
/// - Returns: the eigenvalues `λ: [n]` in ascending order, and the orthonormal eigenvectors as
///   the columns of `V: [n, n]`.
/// - Throws: `LinearAlgebraError` when the iteration does not converge or `a` is not finite.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func symmetricEigen<Scalar: FloatingPointTensorElement>(
    _ a: Tensor<Scalar>
) throws(LinearAlgebraError) -> (eigenvalues: Tensor<Scalar>, eigenvectors: Tensor<Scalar>) {
    let (n, _) = matrixSize(a, op: "symmetricEigen", square: true)
    if n == 0 { return (.zeros([0]), .zeros([0, 0])) }
    let vectors = try workspace(a, op: "symmetricEigen")
    let values = Tensor<Scalar>(uninitializedShape: [n])
    let info = LAPACK.syevd(n: n, a: vectors.storage.base, lda: n, w: values.storage.base)
    if info > 0 { throw .noConvergence(op: "symmetricEigen") }
    checkArguments(info, op: "symmetricEigen", shape: a.shape)
    return (values, vectors)
}

/// The Cholesky factor of a symmetric positive-definite matrix: lower-triangular `L` with
/// `A = L · Lᵀ`.
///
/// Only the lower triangle of `a` is read; the upper triangle of `L` is zero.
///
/// - Parameter a: `[n, n]`, symmetric positive definite.
/// - Returns: `L: [n, n]`.
/// - Throws: `LinearAlgebraError.notPositiveDefinite` naming the first leading minor that is not.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func cholesky<Scalar: FloatingPointTensorElement>(_ a: Tensor<Scalar>) throws(LinearAlgebraError) -> Tensor<Scalar> {
    let (n, _) = matrixSize(a, op: "cholesky", square: true)
    if n == 0 { return .zeros([0, 0]) }
    let factor = try workspace(a, op: "cholesky")
    let base = factor.storage.base
    let info = LAPACK.potrf(n: n, a: base, lda: n)
    if info > 0 { throw .notPositiveDefinite(op: "cholesky", order: Int(info)) }
    checkArguments(info, op: "cholesky", shape: a.shape)
    // LAPACK leaves the upper triangle as it found it.
    for row in 0..<n - 1 { (base + row * n + row + 1).update(repeating: 0, count: n - row - 1) }
    return factor
}

/// The solution `X` of `A · X = B`, by LU factorization with partial pivoting.
///
/// - Parameters:
///   - a: `[n, n]`, invertible.
///   - b: `[n]` or `[n, r]`.
/// - Returns: `X` with the shape of `b`.
/// - Throws: `LinearAlgebraError.singular` when the LU factorization has an exact zero pivot.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func solve<Scalar: FloatingPointTensorElement>(
    _ a: Tensor<Scalar>, _ b: Tensor<Scalar>
) throws(LinearAlgebraError) -> Tensor<Scalar> {
    let (n, _) = matrixSize(a, op: "solve", square: true)
    precondition((b.rank == 1 || b.rank == 2) && b.shape[0] == n,
                 "solve: \(a.shape) · X = \(b.shape): the right-hand side must be [\(n)] or [\(n), r]")
    let columns = b.rank == 1 ? 1 : b.shape[1]
    if n == 0 || columns == 0 { return .zeros(b.shape) }
    let factors = try workspace(a, op: "solve")
    let solution = try workspace(b, op: "solve")  // [n] and [n, 1] share one row-major layout
    var pivots = [Int32](repeating: 0, count: n)
    let info = withExtendedLifetime(factors) {
        pivots.withUnsafeMutableBufferPointer { pivots in
            LAPACK.gesv(n: n, rightHandSides: columns, a: factors.storage.base, lda: n,
                        pivots: pivots.baseAddress!, b: solution.storage.base, ldb: columns)
        }
    }
    if info > 0 { throw .singular(op: "solve", pivot: Int(info) - 1) }
    checkArguments(info, op: "solve", shape: a.shape)
    return solution
}
