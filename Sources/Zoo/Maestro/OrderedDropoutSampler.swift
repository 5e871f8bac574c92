/// Maestro's single-layer ordered-dropout sampler: which layer to truncate, and to which rank,
/// at each step.

/// Draws `(layer, rank)` pairs without replacement: every pair of a layer and a rank
/// `b ∈ 1...r` of it is listed, shuffled, and walked through; when the list is spent it is
/// shuffled again. Each step truncates exactly that one layer to rank `b`, the others stay full.
///
/// The order comes from the sampler's own seeded generator, so the same seed draws the same
/// pairs whatever else draws random numbers.
public struct OrderedDropoutSampler: Sendable {
    /// One truncation: layer `layer` (its position among the low-rank layers) kept at `rank`.
    public struct Truncation: Sendable, Hashable {
        /// The layer's position among the low-rank layers.
        public var layer: Int
        /// The rank it is kept at, `1...r`.
        public var rank: Int

        /// Layer `layer` kept at rank `rank`.
        public init(layer: Int, rank: Int) {
            self.layer = layer
            self.rank = rank
        }
    }

    /// The inner rank of each layer the pairs are drawn for.
    public private(set) var ranks: [Int]
    private var generator: PhiloxGenerator
    private var pairs: [Truncation]
    private var order: [Int] = []
    private var position = 0

    /// A sampler over layers of inner ranks `ranks`.
    ///
    /// - Precondition: at least one layer, each of rank ≥ 1.
    public init(ranks: [Int], using generator: inout PhiloxGenerator) {
        precondition(!ranks.isEmpty && ranks.allSatisfy { $0 >= 1 },
                     "OrderedDropoutSampler: ranks \(ranks) need at least one layer, each of rank ≥ 1")
        self.ranks = ranks
        self.generator = generator.split()
        self.pairs = ranks.enumerated().flatMap { layer, rank in (1...rank).map { Truncation(layer: layer, rank: $0) } }
    }

    /// The number of pairs, `Σ r`: the steps of one cycle.
    public var cycleLength: Int { pairs.count }

    /// The next pair; a fresh shuffle starts a new cycle when the current one is spent.
    public mutating func next() -> Truncation {
        if position == order.count {
            order = Tensor<Int>.randomPermutation(pairs.count, using: &generator).scalars
            position = 0
        }
        defer { position += 1 }
        return pairs[order[position]]
    }
}
