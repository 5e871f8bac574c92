/// Random tensors from an explicit generator: uniform, normal, Bernoulli masks, integers, permutations.
///
/// Every creator takes the generator `inout` and moves it past the numbers it used, so two calls
/// in a row give different tensors and the same seed gives the same sequence of tensors on every
/// machine and thread count. `Float` uses 24 random bits per uniform number, `Double` 53.

enum RandomDistribution<Scalar> {
    case uniform(low: Scalar, high: Scalar)
    case normal(mean: Scalar, standardDeviation: Scalar)
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func randomTensor<Scalar: FloatingPointTensorElement>(
    _ shape: [Int], _ distribution: RandomDistribution<Scalar>, using generator: inout PhiloxGenerator
) -> Tensor<Scalar> {
    let result = Tensor<Scalar>(uninitializedShape: shape)
    let destination = result.storage.base
    let count = result.count
    let words = randomWordCount(for: Scalar.self)
    let spacing = randomSpacing(for: Scalar.self)
    switch distribution {
    case let .uniform(low, high):
        let width = high - low
        // Rounding `low + width·u` can reach `high` in Float; the largest value below it keeps [low, high).
        let largest = high > low ? high.nextDown : low
        forEachRandomGroup(count: count, wordsPerGroup: words, using: &generator) { element, block, lane in
            let unit = Scalar(randomBits(block, lane, for: Scalar.self)) * spacing
            destination[element] = min(low + width * unit, largest)
        }
    case let .normal(mean, standardDeviation):
        // Box–Muller: two uniforms u1 ∈ (0, 1], u2 ∈ [0, 1) give two independent standard normals
        // r·cos θ and r·sin θ with r = √(−2 ln u1), θ = 2π·u2. Elements 2g and 2g + 1 share a pair.
        let twoPi = 2 * Scalar.pi
        forEachRandomGroup(count: (count + 1) / 2, wordsPerGroup: 2 * words, using: &generator) { pair, block, lane in
            let u1 = Scalar(randomBits(block, lane, for: Scalar.self) + 1) * spacing
            let u2 = Scalar(randomBits(block, lane + words, for: Scalar.self)) * spacing
            let radius = Scalar.sqrt(-2 * Scalar.log(u1))
            let angle = twoPi * u2
            destination[2 * pair] = mean + standardDeviation * radius * Scalar.cos(angle)
            if 2 * pair + 1 < count {
                destination[2 * pair + 1] = mean + standardDeviation * radius * Scalar.sin(angle)
            }
        }
    }
    return result
}

extension Tensor where Scalar: FloatingPointTensorElement {
    /// Independent samples from the uniform distribution on `[low, high)`.
    ///
    /// `x = low + (high − low)·u` with `u = k·2^−b`, `k` uniform in `0 ..< 2^b`, `b` = 24 for
    /// `Float` and 53 for `Double`.
    /// - Parameters:
    ///   - shape: the result's shape.
    ///   - low: the smallest value that can be drawn.
    ///   - high: the bound the values stay below.
    ///   - generator: the stream to draw from; it moves past the numbers used.
    /// - Precondition: `low ≤ high`, both finite.
    public static func uniform(
        _ shape: [Int], low: Scalar = 0, high: Scalar = 1, using generator: inout PhiloxGenerator
    ) -> Tensor {
        precondition(low.isFinite && high.isFinite && low <= high,
                     "uniform: shape \(shape): need finite low ≤ high, got low \(low), high \(high)")
        return randomTensor(shape, .uniform(low: low, high: high), using: &generator)
    }

    /// Independent samples from the normal distribution `N(mean, standardDeviation²)` (Box–Muller).
    ///
    /// `x = mean + σ·√(−2 ln u1)·cos(2π·u2)` and its `sin` twin for the next element.
    /// - Parameters:
    ///   - shape: the result's shape.
    ///   - mean: the distribution's mean, `μ`.
    ///   - standardDeviation: the distribution's standard deviation, `σ`.
    ///   - generator: the stream to draw from; it moves past the numbers used.
    /// - Precondition: `standardDeviation ≥ 0`.
    public static func normal(
        _ shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1, using generator: inout PhiloxGenerator
    ) -> Tensor {
        precondition(standardDeviation >= 0,
                     "normal: shape \(shape): standard deviation \(standardDeviation) is negative")
        return randomTensor(shape, .normal(mean: mean, standardDeviation: standardDeviation), using: &generator)
    }
}

extension Tensor where Scalar == Bool {
    /// A mask whose elements are independently `true` with probability `probability`.
    ///
    /// `x = (k < p·2^32)` with `k` a uniform 32-bit word: exact for `p = 0` and `p = 1`.
    /// - Precondition: `0 ≤ probability ≤ 1`.
    public static func bernoulli(
        _ shape: [Int], probability: Double, using generator: inout PhiloxGenerator
    ) -> Tensor<Bool> {
        precondition(probability >= 0 && probability <= 1,
                     "bernoulli: shape \(shape): probability \(probability) is not in [0, 1]")
        let result = Tensor<Bool>(uninitializedShape: shape)
        let destination = result.storage.base
        let threshold = probability * 0x1p32
        forEachRandomGroup(count: result.count, wordsPerGroup: 1, using: &generator) { element, block, lane in
            destination[element] = Double(block[lane]) < threshold
        }
        return result
    }
}

extension Tensor where Scalar == Int {
    /// Independent integers drawn uniformly from `range`.
    ///
    /// `x = lower + ⌊k·n / 2^64⌋` with `k` a uniform 64-bit number and `n` the range's size: the
    /// bias is below `n / 2^64`, and each element uses a fixed two words, so filling stays parallel.
    /// - Precondition: `range` is not empty.
    public static func randomIntegers(
        _ shape: [Int], in range: Range<Int>, using generator: inout PhiloxGenerator
    ) -> Tensor<Int> {
        precondition(!range.isEmpty, "randomIntegers: shape \(shape): range \(range) is empty")
        let result = Tensor<Int>(uninitializedShape: shape)
        let destination = result.storage.base
        let size = UInt64(truncatingIfNeeded: range.upperBound &- range.lowerBound)
        let lower = range.lowerBound
        forEachRandomGroup(count: result.count, wordsPerGroup: 2, using: &generator) { element, block, lane in
            let raw = UInt64(block[lane + 1]) << 32 | UInt64(block[lane])
            destination[element] = lower &+ Int(truncatingIfNeeded: raw.multipliedFullWidth(by: size).high)
        }
        return result
    }

    /// A uniformly random ordering of `0 ..< count` (Fisher–Yates), shape `[count]`.
    ///
    /// For `i = count − 1 … 1`: swap element `i` with element `j`, `j` uniform in `0 … i` (unbiased).
    /// - Precondition: `count ≥ 0`.
    public static func randomPermutation(_ count: Int, using generator: inout PhiloxGenerator) -> Tensor<Int> {
        precondition(count >= 0, "randomPermutation: count \(count) is negative")
        var values = Array(0..<count)
        var index = count - 1
        while index > 0 {
            values.swapAt(index, Int(generator.nextIndex(below: UInt64(index + 1))))
            index -= 1
        }
        return Tensor<Int>(values)
    }
}
