import Tensor

/// `conv`: conv2d forward and its input- and weight-gradient kernels on the ResNet shape
/// (batch 64, 64 → 64 channels, 3×3, padding 1, 32×32), in GFLOP/s. Peer: PyTorch.
func runConvolutionSuite() {
    let n = 64, c = 64, o = 64, h = 32, w = 32, k = 3
    let shape = "N\(n) C\(c) O\(o) \(h)x\(w) k\(k) p1"
    let flops = 2.0 * Double(n * o * c * k * k * h * w)
    var generator = PhiloxGenerator(seed: 0)
    let input = Tensor<Float>.normal([n, c, h, w], mean: 0, standardDeviation: 1, using: &generator)
    let weight = Tensor<Float>.normal([o, c, k, k], mean: 0, standardDeviation: 1, using: &generator)
    let gradient = Tensor<Float>.normal([n, o, h, w], mean: 0, standardDeviation: 1, using: &generator)
    let cases: [(String, () -> Void)] = [
        ("forward", { blackHole(conv2d(input, weight: weight, bias: nil, stride: 1, padding: 1)) }),
        ("backwardInput", { blackHole(conv2dBackwardInput(gradient, weight: weight, inputShape: input.shape, stride: 1, padding: 1)) }),
        ("backwardWeight", { blackHole(conv2dBackwardWeight(gradient, input: input, weightShape: weight.shape, stride: 1, padding: 1)) }),
    ]
    for (name, body) in cases {
        Result(suite: "conv", name: name, shape: shape, unit: "GFLOP/s", value: flops / medianSeconds(repetitions: 5, body) / 1e9).printed()
    }
}
