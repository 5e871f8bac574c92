import Tensor

/// `elementwise`: add, mul, exp, GELU, and sum and softmax along the last axis, on 4M floats
/// ([4096, 1024]), in GB/s (bytes read plus bytes written). Peers: NumPy and PyTorch.
func runElementwiseSuite() {
    let rows = 4096, columns = 1024
    let count = rows * columns
    var generator = PhiloxGenerator(seed: 0)
    let a = Tensor<Float>.normal([rows, columns], mean: 0, standardDeviation: 1, using: &generator)
    let b = Tensor<Float>.normal([rows, columns], mean: 0, standardDeviation: 1, using: &generator)
    let cases: [(name: String, passes: Int, body: () -> Void)] = [
        ("add", 3, { blackHole(a + b) }),
        ("mul", 3, { blackHole(a * b) }),
        ("exp", 2, { blackHole(a.exp()) }),
        ("gelu", 2, { blackHole(a.gelu()) }),
        ("sum", 1, { blackHole(a.sum(alongAxes: [-1])) }),
        ("softmax", 2, { blackHole(a.softmax(alongAxis: -1)) }),
    ]
    // Case names after the suite's name pick some cases, for profiling: `elementwise gelu`.
    let only = Set(CommandLine.arguments).intersection(cases.map(\.name))
    for (name, passes, body) in cases where only.isEmpty || only.contains(name) {
        let seconds = medianSeconds(body)
        Result(suite: "elementwise", name: name, shape: "\(rows)x\(columns)", unit: "GB/s",
               value: Double(passes * count * 4) / seconds / 1e9).printed()
    }
}
