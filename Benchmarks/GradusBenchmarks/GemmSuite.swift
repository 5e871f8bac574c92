import CBLAS
import Tensor

/// `gemm`: `matmul` through `Tensor` against `cblas_?gemm` called directly on the same buffers,
/// n = 64…2048, Float and Double, in GFLOP/s. Target ratio ≥ 0.95 at every size.
func runGemmSuite() {
    for n in [64, 128, 256, 512, 1024, 2048] {
        measureGemm(Float.self, n: n, name: "sgemm") { a, b, c in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n),
                        1, a, Int32(n), b, Int32(n), 0, c, Int32(n))
        }
        measureGemm(Double.self, n: n, name: "dgemm") { a, b, c in
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n),
                        1, a, Int32(n), b, Int32(n), 0, c, Int32(n))
        }
    }
}

private func measureGemm<Scalar: FloatingPointTensorElement>(
    _ type: Scalar.Type, n: Int, name: String,
    direct: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>) -> Void
) {
    var generator = PhiloxGenerator(seed: 0)
    let a = Tensor<Scalar>.uniform([n, n], low: -1, high: 1, using: &generator)
    let b = Tensor<Scalar>.uniform([n, n], low: -1, high: 1, using: &generator)
    let flops = 2.0 * Double(n * n * n)
    let tensorSeconds = medianSeconds { blackHole(matmul(a, b)) }
    // The peer is OpenBLAS with its own threads on the same budget (Tensor keeps OpenBLAS on one
    // thread and splits products itself, so that results do not depend on the thread count).
    var c = Tensor<Scalar>.zeros([n, n])
    openblas_set_num_threads(Int32(ThreadBudget.count))
    defer { openblas_set_num_threads(1) }
    let directSeconds = a.withUnsafeBufferPointer { aBuffer in
        b.withUnsafeBufferPointer { bBuffer in
            c.withUnsafeMutableBufferPointer { cBuffer in
                medianSeconds { direct(aBuffer.baseAddress!, bBuffer.baseAddress!, cBuffer.baseAddress!) }
            }
        }
    }
    Result(suite: "gemm", name: name, shape: "\(n)x\(n)x\(n)", unit: "GFLOP/s",
           value: flops / tensorSeconds / 1e9, peer: flops / directSeconds / 1e9,
           peerName: "openblas-direct").printed()
}
