// gradus-benchmarks SUITE [--threads N]: Gradus's side of `Benchmarks/run`, one JSON line per figure.
import Foundation
import Tensor

var arguments = Array(CommandLine.arguments.dropFirst())
var threads = ThreadBudget.defaultCount
if let position = arguments.firstIndex(of: "--threads"), position + 1 < arguments.count {
    threads = Int(arguments[position + 1]) ?? threads
    arguments.removeSubrange(position...(position + 1))
}
ThreadBudget.count = threads

let suites: [String: () -> Void] = [
    "gemm": runGemmSuite,
    "elementwise": runElementwiseSuite,
    "conv": runConvolutionSuite,
    "reductions": runReductionSuite,
    "autograd": runAutogradSuite,
    "data": runDataSuite,
    "models": runModelsSuite,
    // One part of a suite, for profiling.
    "autograd-overhead": measureOverhead,
    // One model of the `models` suite, in a process of its own.
    "model-step": measureModelStep,
]
guard let name = arguments.first, let suite = suites[name] else {
    let known = suites.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: gradus-benchmarks SUITE [--threads N]; suites: \(known)\n".utf8))
    exit(2)
}
suite()
let cache = BufferCache.shared.statistics
FileHandle.standardError.write(Data("buffer cache hit rate \(String(format: "%.3f", cache.hitRate)) (\(cache.hits) hits, \(cache.misses) misses)\n".utf8))
