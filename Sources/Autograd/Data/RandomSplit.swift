/// Seeded random splits of a dataset into disjoint subsets that together cover it, like
/// `torch.utils.data.random_split`.
///
/// ```swift
/// var generator = PhiloxGenerator(seed: 0)
/// let parts = randomSplit(dataset, fractions: [0.9, 0.1], using: &generator)
/// let (training, validation) = (parts[0], parts[1])
/// ```

/// Splits `dataset` into subsets of `counts` samples, drawn by one random permutation.
///
/// Subset `k` takes positions `counts[0] + … + counts[k−1] ..< … + counts[k]` of a random
/// permutation of `0..<dataset.count`, so the subsets are disjoint and cover every sample.
/// - Parameters:
///   - dataset: the samples to split.
///   - counts: non-negative sizes that sum to `dataset.count`.
///   - generator: the stream the permutation is drawn from; it moves past the numbers used.
/// - Precondition: the counts are non-negative and sum to `dataset.count`.
public func randomSplit<Base: Dataset>(
    _ dataset: Base, counts: [Int], using generator: inout PhiloxGenerator
) -> [Subset<Base>] {
    precondition(counts.allSatisfy { $0 >= 0 } && counts.reduce(0, +) == dataset.count,
                 "randomSplit: counts \(counts) must be non-negative and sum to the dataset's \(dataset.count) samples")
    let order = Tensor<Int>.randomPermutation(dataset.count, using: &generator).scalars
    var start = 0
    return counts.map { count in
        defer { start += count }
        return Subset(dataset, indices: Array(order[start..<start + count]))
    }
}

/// Splits `dataset` into subsets holding `fractions` of its samples, drawn by one random permutation.
///
/// Subset `k` gets `⌊fractions[k]·N⌋` samples; the `r` samples left over by rounding down go one
/// each to the first `r` subsets (as PyTorch does). Then it is `randomSplit(_:counts:using:)`.
/// - Precondition: the fractions are non-negative and sum to 1 (within 1e-6).
public func randomSplit<Base: Dataset>(
    _ dataset: Base, fractions: [Double], using generator: inout PhiloxGenerator
) -> [Subset<Base>] {
    precondition(!fractions.isEmpty && fractions.allSatisfy { $0 >= 0 } && abs(fractions.reduce(0, +) - 1) <= 1e-6,
                 "randomSplit: fractions \(fractions) must be non-negative and sum to 1")
    let total = dataset.count
    var counts = fractions.map { Int((Double(total) * $0).rounded(.down)) }
    var remainder = total - counts.reduce(0, +)
    var position = 0
    while remainder > 0 {
        counts[position % counts.count] += 1
        remainder -= 1
        position += 1
    }
    return randomSplit(dataset, counts: counts, using: &generator)
}
