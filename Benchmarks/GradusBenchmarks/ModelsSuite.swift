import Autograd
import Foundation
import Zoo

/// `models`: training throughput (images/s) and peak memory of whole zoo models — ResNet-20,
/// ResNet-18 with the CIFAR stem and the small ViTs (vit-tiny: 32×32, patch 4, D 192, depth 6;
/// vit-mini: the same at D 96, the one trained to the accuracy target) —
/// at batch 64 in Float on 3×32×32 inputs, one SGD step (forward, cross-entropy, backward,
/// momentum update) at a time. Peer: the same architectures in PyTorch (Benchmarks/peers/models.py).
///
/// Each model runs in a child process of its own, so each peak-memory figure is that model's alone.
let benchmarkedModels = ["resnet20", "resnet18", "vit-tiny", "vit-mini"]

func runModelsSuite() {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0])
    for model in benchmarkedModels {
        let child = Process()
        child.executableURL = executable
        child.arguments = ["model-step", model, "--threads", "\(ThreadBudget.count)"]
        do {
            try child.run()
            child.waitUntilExit()
        } catch {
            FileHandle.standardError.write(Data("models: could not run \(model): \(error)\n".utf8))
        }
    }
}

/// The child process's work: `gradus-benchmarks model-step NAME`.
func measureModelStep() {
    guard let position = CommandLine.arguments.firstIndex(of: "model-step"), position + 1 < CommandLine.arguments.count else {
        FileHandle.standardError.write(Data("usage: gradus-benchmarks model-step MODEL [--threads N]\n".utf8))
        exit(2)
    }
    let name = CommandLine.arguments[position + 1]
    let batch = 64
    let residentBefore = residentMebibytes()
    var generator = PhiloxGenerator(seed: 0)
    let model: any Layer<Float>
    do {
        model = try ModelRegistry.standard.model(named: name)
            .build(for: ModelInput(sampleShape: [3, 32, 32], classCount: 10), using: &generator)
    } catch {
        FileHandle.standardError.write(Data("models: \(error)\n".utf8))
        exit(1)
    }
    FileHandle.standardError.write(Data("models: \(name) has \(model.parameterCount) parameters in Gradus\n".utf8))
    let images = Tensor<Float>.normal([batch, 3, 32, 32], using: &generator)
    let labels = Tensor<Int>.randomIntegers([batch], in: 0..<10, using: &generator)
    let optimizer = SGD(namedParameters: model.namedParameters(), learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4)
    model.train()
    // One step: forward, loss, backward, update.
    let seconds = medianSeconds(repetitions: 5, minimumSeconds: 0) {
        let loss = crossEntropy(logits: model(Variable(images)), labels: labels)
        optimizer.update(along: loss.backward())
    }
    let shape = "batch \(batch), 3×32×32, Float, SGD step"
    Result(suite: "models", name: name, shape: shape, unit: "img/s", value: Double(batch) / seconds).printed()
    Result(suite: "models", name: name + " peak memory", shape: shape, unit: "MiB", value: peakResidentMebibytes()).printed()
    Result(suite: "models", name: name + " training memory", shape: shape + ", peak minus before building",
           unit: "MiB", value: peakResidentMebibytes() - residentBefore).printed()
}

/// The process's peak resident memory so far (`ru_maxrss`, KiB on Linux), in MiB.
func peakResidentMebibytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// The process's resident memory now, from `/proc/self/statm`, in MiB.
func residentMebibytes() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}
