import CBLAS

/// The BLAS entry points, one spelling for every floating-point scalar.
///
/// Kernels call `gemm` with transpose flags instead of copying transposed operands. Matrices are
/// row-major with a leading dimension (the stride between rows, ≥ the number of columns).
public enum BLAS {
    /// `C ← α · op(A) · op(B) + β · C` with `op(A)` of shape `m × k`, `op(B)` of shape `k × n`.
    ///
    /// Small products run on one thread: OpenBLAS with two threads is slower for n ≤ 128 on these
    /// machines (DESIGN.md, decision 13).
    public static func gemm<Scalar: FloatingPointTensorElement>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
        b: UnsafePointer<Scalar>, ldb: Int,
        beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        let small = m * n * k <= 128 * 128 * 128
        let threads = ThreadBudget.count
        if small && threads > 1 { openblas_set_num_threads(1) }
        defer { if small && threads > 1 { openblas_set_num_threads(Int32(threads)) } }
        gemmWithCurrentThreads(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                               alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// `gemm` without touching OpenBLAS's thread count, for callers that already set it once
    /// around many products (batched matmul runs small products in parallel on one BLAS thread
    /// each; changing the count from several threads at once would race).
    static func gemmWithCurrentThreads<Scalar: FloatingPointTensorElement>(
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
