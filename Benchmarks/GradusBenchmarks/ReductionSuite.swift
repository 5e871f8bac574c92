import Tensor

/// `reductions`: sums, extrema, statistics and softmax on [4096, 1024] floats along the last axis
/// and along axis 0 (a bias gradient), plus a classifier's softmax on [65536, 10], in GB/s
/// (bytes read plus bytes written). Peers: NumPy and PyTorch (`Benchmarks/peers/reductions.py`).
func runReductionSuite() {
    let rows = 4096, columns = 1024
    var generator = PhiloxGenerator(seed: 0)
    let a = Tensor<Float>.normal([rows, columns], mean: 0, standardDeviation: 1, using: &generator)
    let logits = Tensor<Float>.normal([65536, 10], mean: 0, standardDeviation: 1, using: &generator)
    let square = "\(rows)x\(columns)"
    // (name, shape, bytes moved, body)
    let cases: [(name: String, shape: String, bytes: Int, body: () -> Void)] = [
        ("sum", square, a.count * 4, { blackHole(a.sum(alongAxes: [-1])) }),
        ("sum-axis0", square, a.count * 4, { blackHole(a.sum(alongAxes: [0])) }),
        ("sum-all", square, a.count * 4, { blackHole(a.sum()) }),
        ("max", square, a.count * 4, { blackHole(a.max(alongAxes: [-1])) }),
        ("max-axis0", square, a.count * 4, { blackHole(a.max(alongAxes: [0])) }),
        ("mean", square, a.count * 4, { blackHole(a.mean(alongAxes: [-1])) }),
        ("variance", square, a.count * 4, { blackHole(a.variance(alongAxes: [-1])) }),
        ("logsumexp", square, a.count * 4, { blackHole(a.logSumExp(alongAxes: [-1])) }),
        ("softmax", square, 2 * a.count * 4, { blackHole(a.softmax(alongAxis: -1)) }),
        ("logsoftmax", square, 2 * a.count * 4, { blackHole(a.logSoftmax(alongAxis: -1)) }),
        ("softmax-axis0", square, 2 * a.count * 4, { blackHole(a.softmax(alongAxis: 0)) }),
        ("softmax", "65536x10", 2 * logits.count * 4, { blackHole(logits.softmax(alongAxis: -1)) }),
    ]
    for (name, shape, bytes, body) in cases {
        let seconds = medianSeconds(body)
        Result(suite: "reductions", name: name, shape: shape, unit: "GB/s",
               value: Double(bytes) / seconds / 1e9).printed()
    }
}
