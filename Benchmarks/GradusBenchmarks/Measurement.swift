import Foundation

/// One benchmark figure, printed as a JSON line for `Benchmarks/compare.py`.
struct Result: Encodable {
    let suite: String
    let name: String
    let shape: String
    let unit: String
    let value: Double
    /// The peer run in this same process, when the peer is native (OpenBLAS called directly).
    var peer: Double? = nil
    var peerName: String? = nil

    func printed() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try! encoder.encode(self), as: UTF8.self))
    }
}

/// Keeps the optimizer from deleting work whose result is unused.
@inline(never)
func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

/// The median time of one call of `body`, in seconds.
///
/// Each repetition runs `body` often enough to take about `minimumSeconds`, after a warm-up that
/// also fills the buffer cache; the median of the repetitions resists the noise of a shared machine.
func medianSeconds(repetitions: Int = 7, minimumSeconds: Double = 0.05, _ body: () -> Void) -> Double {
    body()
    var iterations = 1
    while true {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if elapsed >= minimumSeconds || iterations >= 1 << 20 { break }
        iterations *= 2
    }
    var times: [Double] = []
    for _ in 0..<repetitions {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { body() }
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(iterations))
    }
    return times.sorted()[repetitions / 2]
}
