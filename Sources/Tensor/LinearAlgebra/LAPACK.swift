import CBLAS

/// The LAPACKE entry points, one spelling for every floating-point scalar.
///
/// Matrices are row-major (`LAPACK_ROW_MAJOR`) with a leading dimension ≥ their number of
/// columns; every routine overwrites its inputs, so callers pass fresh copies. Each returns
/// LAPACK's `info`: 0 on success, `-i` when argument `i` is illegal (a bug here, never the
/// caller's data), a positive value for a numerical failure the caller turns into an error.
enum LAPACK {
    private static func pointer<Scalar, Target>(_ base: UnsafeMutablePointer<Scalar>, as _: Target.Type) -> UnsafeMutablePointer<Target> {
        UnsafeMutableRawPointer(base).assumingMemoryBound(to: Target.self)
    }

    /// Row-major layout, with OpenBLAS first put on one thread (LAPACK calls BLAS inside).
    private static func rowMajor() -> Int32 {
        BLAS.ensureSingleThreaded()
        return Int32(LAPACK_ROW_MAJOR)
    }

    private static func character(_ value: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: value)) }

    private static func unsupported<Scalar>(_ routine: String, _: Scalar.Type) -> Never {
        preconditionFailure("\(routine): no LAPACK routine for \(Scalar.self)")
    }

    /// Singular value decomposition by divide and conquer; `job` is `"A"` (full) or `"S"` (thin).
    static func gesdd<Scalar: FloatingPointTensorElement>(
        job: Unicode.Scalar, m: Int, n: Int, a: UnsafeMutablePointer<Scalar>, lda: Int,
        s: UnsafeMutablePointer<Scalar>, u: UnsafeMutablePointer<Scalar>, ldu: Int,
        vt: UnsafeMutablePointer<Scalar>, ldvt: Int
    ) -> Int32 {
        let layout = rowMajor(), job = character(job)
        if Scalar.self == Float.self {
            return LAPACKE_sgesdd(layout, job, Int32(m), Int32(n), pointer(a, as: Float.self), Int32(lda), pointer(s, as: Float.self),
                                  pointer(u, as: Float.self), Int32(ldu), pointer(vt, as: Float.self), Int32(ldvt))
        } else if Scalar.self == Double.self {
            return LAPACKE_dgesdd(layout, job, Int32(m), Int32(n), pointer(a, as: Double.self), Int32(lda), pointer(s, as: Double.self),
                                  pointer(u, as: Double.self), Int32(ldu), pointer(vt, as: Double.self), Int32(ldvt))
        }
        unsupported("gesdd", Scalar.self)
    }

    /// Singular value decomposition by QR iteration: slower than `gesdd`, and the fallback when it
    /// does not converge. `superb` holds `min(m, n)` scratch elements.
    static func gesvd<Scalar: FloatingPointTensorElement>(
        job: Unicode.Scalar, m: Int, n: Int, a: UnsafeMutablePointer<Scalar>, lda: Int,
        s: UnsafeMutablePointer<Scalar>, u: UnsafeMutablePointer<Scalar>, ldu: Int,
        vt: UnsafeMutablePointer<Scalar>, ldvt: Int, superb: UnsafeMutablePointer<Scalar>
    ) -> Int32 {
        let layout = rowMajor(), job = character(job)
        if Scalar.self == Float.self {
            return LAPACKE_sgesvd(layout, job, job, Int32(m), Int32(n), pointer(a, as: Float.self), Int32(lda),
                                  pointer(s, as: Float.self), pointer(u, as: Float.self), Int32(ldu),
                                  pointer(vt, as: Float.self), Int32(ldvt), pointer(superb, as: Float.self))
        } else if Scalar.self == Double.self {
            return LAPACKE_dgesvd(layout, job, job, Int32(m), Int32(n), pointer(a, as: Double.self), Int32(lda),
                                  pointer(s, as: Double.self), pointer(u, as: Double.self), Int32(ldu),
                                  pointer(vt, as: Double.self), Int32(ldvt), pointer(superb, as: Double.self))
        }
        unsupported("gesvd", Scalar.self)
    }

    /// QR factorization: R in the upper triangle, the reflectors below it and in `tau`.
    static func geqrf<Scalar: FloatingPointTensorElement>(
        m: Int, n: Int, a: UnsafeMutablePointer<Scalar>, lda: Int, tau: UnsafeMutablePointer<Scalar>
    ) -> Int32 {
        let layout = rowMajor()
        if Scalar.self == Float.self {
            return LAPACKE_sgeqrf(layout, Int32(m), Int32(n), pointer(a, as: Float.self), Int32(lda), pointer(tau, as: Float.self))
        } else if Scalar.self == Double.self {
            return LAPACKE_dgeqrf(layout, Int32(m), Int32(n), pointer(a, as: Double.self), Int32(lda), pointer(tau, as: Double.self))
        }
        unsupported("geqrf", Scalar.self)
    }

    /// The first `n` columns of Q from the `k` reflectors `geqrf` left in `a` and `tau`.
    static func orgqr<Scalar: FloatingPointTensorElement>(
        m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Scalar>, lda: Int, tau: UnsafeMutablePointer<Scalar>
    ) -> Int32 {
        let layout = rowMajor()
        if Scalar.self == Float.self {
            return LAPACKE_sorgqr(layout, Int32(m), Int32(n), Int32(k), pointer(a, as: Float.self), Int32(lda), pointer(tau, as: Float.self))
        } else if Scalar.self == Double.self {
            return LAPACKE_dorgqr(layout, Int32(m), Int32(n), Int32(k), pointer(a, as: Double.self), Int32(lda), pointer(tau, as: Double.self))
        }
        unsupported("orgqr", Scalar.self)
    }

    /// Eigenvalues (ascending, into `w`) and eigenvectors (the columns of `a`) of a symmetric
    /// matrix, reading its lower triangle.
    static func syevd<Scalar: FloatingPointTensorElement>(
        n: Int, a: UnsafeMutablePointer<Scalar>, lda: Int, w: UnsafeMutablePointer<Scalar>
    ) -> Int32 {
        let layout = rowMajor(), vectors = character("V"), lower = character("L")
        if Scalar.self == Float.self {
            return LAPACKE_ssyevd(layout, vectors, lower, Int32(n), pointer(a, as: Float.self), Int32(lda), pointer(w, as: Float.self))
        } else if Scalar.self == Double.self {
            return LAPACKE_dsyevd(layout, vectors, lower, Int32(n), pointer(a, as: Double.self), Int32(lda), pointer(w, as: Double.self))
        }
        unsupported("syevd", Scalar.self)
    }

    /// Cholesky factor L (lower triangle of `a`; the upper triangle is left as it was).
    static func potrf<Scalar: FloatingPointTensorElement>(n: Int, a: UnsafeMutablePointer<Scalar>, lda: Int) -> Int32 {
        let layout = rowMajor(), lower = character("L")
        if Scalar.self == Float.self {
            return LAPACKE_spotrf(layout, lower, Int32(n), pointer(a, as: Float.self), Int32(lda))
        } else if Scalar.self == Double.self {
            return LAPACKE_dpotrf(layout, lower, Int32(n), pointer(a, as: Double.self), Int32(lda))
        }
        unsupported("potrf", Scalar.self)
    }

    /// Solves `A · X = B` by LU with partial pivoting; X overwrites `b`, the factors `a`.
    static func gesv<Scalar: FloatingPointTensorElement>(
        n: Int, rightHandSides: Int, a: UnsafeMutablePointer<Scalar>, lda: Int,
        pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Scalar>, ldb: Int
    ) -> Int32 {
        let layout = rowMajor()
        if Scalar.self == Float.self {
            return LAPACKE_sgesv(layout, Int32(n), Int32(rightHandSides), pointer(a, as: Float.self), Int32(lda),
                                 pivots, pointer(b, as: Float.self), Int32(ldb))
        } else if Scalar.self == Double.self {
            return LAPACKE_dgesv(layout, Int32(n), Int32(rightHandSides), pointer(a, as: Double.self), Int32(lda),
                                 pivots, pointer(b, as: Double.self), Int32(ldb))
        }
        unsupported("gesv", Scalar.self)
    }
}
