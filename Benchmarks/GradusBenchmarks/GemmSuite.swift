import CBLAS
import Foundation
import Dispatch
import Tensor

/// `gemm`: `matmul` through `Tensor` against `cblas_?gemm` called directly on the same buffers,
/// n = 64…2048, Float and Double, in GFLOP/s (target ratio ≥ 0.95 at every size); then a batch of
/// attention scores, `Q · Kᵀ` for 64 images × 3 heads of 65 tokens × 64 channels, against a loop
/// of direct calls over the batch.
func runGemmSuite() {
    // Sizes after the suite's name pick some of them, for profiling: `gemm 64 2048`.
    let sizes = [64, 128, 256, 512, 1024, 2048]
    let only = Set(CommandLine.arguments.compactMap { Int($0) }).intersection(sizes)
    for n in sizes where only.isEmpty || only.contains(n) {
        measureGemm(Float.self, n: n, name: "sgemm") { a, b, c in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n),
                        1, a, Int32(n), b, Int32(n), 0, c, Int32(n))
        }
        measureGemm(Double.self, n: n, name: "dgemm") { a, b, c in
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n),
                        1, a, Int32(n), b, Int32(n), 0, c, Int32(n))
        }
    }
    if only.isEmpty { measureBatchedAttentionScores() }
}

private func measureGemm<Scalar: FloatingPointTensorElement>(
    _ type: Scalar.Type, n: Int, name: String,
    direct: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>) -> Void
) {
    var generator = PhiloxGenerator(seed: 0)
    let a = Tensor<Scalar>.uniform([n, n], low: -1, high: 1, using: &generator)
    let b = Tensor<Scalar>.uniform([n, n], low: -1, high: 1, using: &generator)
    let flops = 2.0 * Double(n * n * n)
    var c = Tensor<Scalar>.zeros([n, n])
    let (tensorSeconds, directSeconds) = a.withUnsafeBufferPointer { aBuffer in
        b.withUnsafeBufferPointer { bBuffer in
            c.withUnsafeMutableBufferPointer { cBuffer in
                alternatingMedianSeconds(
                    tensor: { blackHole(matmul(a, b)) },
                    direct: { direct(aBuffer.baseAddress!, bBuffer.baseAddress!, cBuffer.baseAddress!) })
            }
        }
    }
    Result(suite: "gemm", name: name, shape: "\(n)x\(n)x\(n)", unit: "GFLOP/s",
           value: flops / tensorSeconds / 1e9, peer: flops / directSeconds / 1e9,
           peerName: "openblas-direct").printed()
}

/// Attention scores `Q · Kᵀ` for a batch of 64 × 3 heads, 65 tokens (64 patches and a class
/// token) of 64 channels: `[192, 65, 64] × [192, 64, 65]`, with `Kᵀ` a transposed view.
private func measureBatchedAttentionScores() {
    let (batch, tokens, channels) = (64 * 3, 65, 64)
    var generator = PhiloxGenerator(seed: 0)
    let queries = Tensor<Float>.uniform([batch, tokens, channels], low: -1, high: 1, using: &generator)
    let keys = Tensor<Float>.uniform([batch, tokens, channels], low: -1, high: 1, using: &generator)
    let keysTransposed = keys.transposed()
    var scores = Tensor<Float>.zeros([batch, tokens, tokens])
    let flops = 2.0 * Double(batch * tokens * tokens * channels)
    let (tensorSeconds, directSeconds) = queries.withUnsafeBufferPointer { q in
        keys.withUnsafeBufferPointer { k in
            scores.withUnsafeMutableBufferPointer { s in
                alternatingMedianSeconds(
                    tensor: { blackHole(matmul(queries, keysTransposed)) },
                    direct: {
                        for index in 0..<batch {
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                                        Int32(tokens), Int32(tokens), Int32(channels), 1,
                                        q.baseAddress! + index * tokens * channels, Int32(channels),
                                        k.baseAddress! + index * tokens * channels, Int32(channels), 0,
                                        s.baseAddress! + index * tokens * tokens, Int32(tokens))
                        }
                    })
            }
        }
    }
    Result(suite: "gemm", name: "batched", shape: "\(batch)x\(tokens)x\(channels)x\(tokens)", unit: "GFLOP/s",
           value: flops / tensorSeconds / 1e9, peer: flops / directSeconds / 1e9,
           peerName: "openblas-direct-loop").printed()
}

/// The median times of one call of `tensor` and of `direct`, measured in alternating repetitions
/// so that the noise of a shared machine falls on both alike.
///
/// The peer is OpenBLAS with its own threads on the same budget; Tensor keeps OpenBLAS on one
/// thread and splits products itself, so that results do not depend on the thread count.
private func alternatingMedianSeconds(
    repetitions: Int = 9, minimumSeconds: Double = 0.03, tensor: () -> Void, direct: () -> Void
) -> (tensor: Double, direct: Double) {
    func iterations(_ body: () -> Void) -> Int {
        body()
        var count = 1
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count { body() }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if elapsed >= minimumSeconds || count >= 1 << 20 { return count }
            count *= 2
        }
    }
    func seconds(_ count: Int, _ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<count { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(count)
    }
    /// A pause before each measurement. After a threaded call OpenBLAS's workers keep spinning
    /// for 2²⁸ cycles (about 0.1 s) before they sleep; measured inside that window, Tensor's two
    /// threads shared the cores with them (sgemm 2048³, one 120 ms product per repetition, lost
    /// about 8 %). A program that uses only Tensor never has them spinning.
    func settle() { Thread.sleep(forTimeInterval: 0.15) }
    let blasThreads = Int32(ThreadBudget.count)
    defer { openblas_set_num_threads(1) }
    openblas_set_num_threads(1)
    let tensorCount = iterations(tensor)
    openblas_set_num_threads(blasThreads)
    let directCount = iterations(direct)
    var tensorTimes: [Double] = [], directTimes: [Double] = []
    for _ in 0..<repetitions {
        openblas_set_num_threads(1)
        settle()
        tensorTimes.append(seconds(tensorCount, tensor))
        openblas_set_num_threads(blasThreads)
        settle()
        directTimes.append(seconds(directCount, direct))
    }
    return (tensorTimes.sorted()[repetitions / 2], directTimes.sorted()[repetitions / 2])
}
