/// How spread out the features of each class are compared with how far apart the classes are:
/// the measure of "intra-class diversity" that LOOK (Feng et al., ICLR 2022) claims cross-entropy
/// pre-training destroys.

/// Within-class and between-class variance of features grouped by label.
///
/// On features normalized to unit length (so that the scale of a network's features does not
/// matter), with `μ_c` the mean of class `c` and `μ` the mean of all rows:
///
/// - within(c) = `mean_{i ∈ c} ‖f_i − μ_c‖²`, and `within` its average over all rows;
/// - between = `Σ_c (n_c / N) ‖μ_c − μ‖²`;
/// - ratio(c) = within(c) / between, and `ratio` = within / between.
///
/// A collapsed class (every image at its class mean) has ratio 0; a ratio above 1 means a class
/// is wider than the classes are apart.
public struct ClassVariance: Sendable, Equatable {
    /// within(c) for each class `0..<classCount` (NaN for a class without rows).
    public let withinByClass: [Double]
    /// The within-class variance averaged over all rows.
    public let within: Double
    /// The variance of the class means around the overall mean, weighted by class size.
    public let between: Double

    /// The variances of `features` `[N, D]` grouped by `labels`.
    ///
    /// - Precondition: one label per row, labels in `0..<classCount`.
    public init(features: Tensor<Float>, labels: [Int], classCount: Int) {
        precondition(features.rank == 2 && features.shape[0] == labels.count && !labels.isEmpty,
                     "ClassVariance: features of shape \(features.shape) for \(labels.count) labels")
        precondition(labels.allSatisfy { (0..<classCount).contains($0) }, "ClassVariance: a label is outside 0..<\(classCount)")
        let rows = features.rowsNormalized().scalars, width = features.shape[1], count = labels.count
        var sums = [[Double]](repeating: [Double](repeating: 0, count: width), count: classCount)
        var sizes = [Int](repeating: 0, count: classCount)
        var total = [Double](repeating: 0, count: width)
        for (row, label) in labels.enumerated() {
            sizes[label] += 1
            for column in 0..<width {
                sums[label][column] += Double(rows[row * width + column])
                total[column] += Double(rows[row * width + column])
            }
        }
        let means = (0..<classCount).map { c in sums[c].map { $0 / Double(Swift.max(sizes[c], 1)) } }
        let overall = total.map { $0 / Double(count) }
        var withinSums = [Double](repeating: 0, count: classCount)
        for (row, label) in labels.enumerated() {
            for column in 0..<width {
                let difference = Double(rows[row * width + column]) - means[label][column]
                withinSums[label] += difference * difference
            }
        }
        withinByClass = (0..<classCount).map { sizes[$0] > 0 ? withinSums[$0] / Double(sizes[$0]) : .nan }
        within = withinSums.reduce(0, +) / Double(count)
        between = (0..<classCount).reduce(0.0) { sum, c in
            sum + Double(sizes[c]) / Double(count) * zip(means[c], overall).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
    }

    /// within / between over all rows.
    public var ratio: Double { within / between }

    /// within(c) / between for each class.
    public var ratioByClass: [Double] { withinByClass.map { $0 / between } }
}
