import Autograd
import Foundation

/// `autograd`: the tape's overhead on tiny tensors, an MLP training step, and memory over 10,000
/// steps. Peers: PyTorch eager (and JAX without jit for the overhead, when installed).
func runAutogradSuite() {
    measureOverhead()
    measureMLP()
}

/// Forward + backward of a chain of 100 elementwise ops on 16-element tensors, in µs per op.
func measureOverhead() {
    let length = 100
    var generator = PhiloxGenerator(seed: 0)
    let start = Tensor<Float>.uniform([16], low: 0.5, high: 1, using: &generator)
    func chain() {
        let x = Variable(start, requiresGradient: true)
        var y = x
        for index in 0..<length {
            // A mix of unary and binary ops, as a small model's tail would have.
            switch index % 4 {
            case 0: y = y * x
            case 1: y = y.tanh()
            case 2: y = y + x
            default: y = y.sigmoid()
            }
        }
        blackHole(y.sum().backward()[x])
    }
    // A fixed amount of work, for counting instructions (`perf stat`), which load does not change.
    if let fixed = ProcessInfo.processInfo.environment["GRADUS_OVERHEAD_CHAINS"].flatMap(Int.init) {
        for _ in 0..<fixed { chain() }
        return
    }
    let seconds = medianSeconds(chain)
    Result(suite: "autograd", name: "overhead", shape: "chain of \(length) ops on [16]", unit: "µs/op",
           value: seconds / Double(length + 1) * 1e6).printed()
}

/// One training step of a 784-512-512-10 MLP (forward, backward, SGD) on a batch of 128, written
/// as the peer writes it: `Linear` and `ReLU` layers, `crossEntropy` and the `SGD` optimizer
/// (PyTorch's `nn.Linear`, `nn.ReLU`, `F.cross_entropy` and `optim.SGD`).
private func measureMLP() {
    let batch = 128
    var generator = PhiloxGenerator(seed: 0)
    let model = Sequential<Float>([
        Linear(inputFeatures: 784, outputFeatures: 512, using: &generator), ReLU(),
        Linear(inputFeatures: 512, outputFeatures: 512, using: &generator), ReLU(),
        Linear(inputFeatures: 512, outputFeatures: 10, using: &generator),
    ])
    let optimizer = SGD(parameters: model.parameters, learningRate: 0.01)
    let images = Tensor<Float>.uniform([batch, 784], low: 0, high: 1, using: &generator)
    let labels = Tensor<Int>.randomIntegers([batch], in: 0..<10, using: &generator)

    /// The graph dies before the update (the sweep releases what it saved), so the optimizer
    /// finds the parameters' storage uniquely referenced and writes in place.
    func step() -> Float {
        let loss = crossEntropy(logits: model(Variable(images)), labels: labels)
        optimizer.update(along: loss.backward())
        return loss.value.scalar
    }

    let seconds = medianSeconds(repetitions: 7, minimumSeconds: 0.3) { blackHole(step()) }
    Result(suite: "autograd", name: "mlp", shape: "784-512-512-10 batch \(batch)", unit: "samples/s",
           value: Double(batch) / seconds).printed()

    // Memory: resident set after 1,000 and 10,000 steps must be equal (nothing accumulates).
    var residentAt1000 = 0.0
    for index in 1...10_000 {
        blackHole(step())
        if index == 1_000 { residentAt1000 = residentMiB() }
    }
    let residentAt10000 = residentMiB()
    Result(suite: "autograd", name: "memory", shape: "RSS after 1,000 steps", unit: "MiB", value: residentAt1000).printed()
    Result(suite: "autograd", name: "memory", shape: "RSS after 10,000 steps", unit: "MiB", value: residentAt10000).printed()
}

/// The resident set size of this process, from /proc/self/statm.
func residentMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / Double(1 << 20)
}
