import CBLAS

/// The BLAS entry points, one spelling for every floating-point scalar.
///
/// Kernels call `gemm` with transpose flags instead of copying transposed operands. Matrices are
/// row-major with a leading dimension (the stride between rows, ≥ the number of columns).
public enum BLAS {
    /// OpenBLAS always runs on one thread; kernels split their products across the thread budget
    /// themselves, at boundaries fixed by the shape. OpenBLAS's own threading gives different bits
    /// for different thread counts (seen with 0.3.21), and its thread count is one process-wide
    /// setting that concurrent callers would race on.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// `C ← α · op(A) · op(B) + β · C` with `op(A)` of shape `m × k`, `op(B)` of shape `k × n`,
    /// on the calling thread.
    public static func gemm<Scalar: FloatingPointTensorElement>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
        b: UnsafePointer<Scalar>, ldb: Int,
        beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        _ = singleThreaded
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

    /// Makes sure OpenBLAS is on one thread before a LAPACK call (which may call BLAS inside).
    static func ensureSingleThreaded() { _ = singleThreaded }
}
