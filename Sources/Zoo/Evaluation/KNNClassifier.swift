import Foundation

/// The k-nearest-neighbour classifier on frozen features that self-supervised and
/// representation-learning papers report beside the linear probe (Wu et al., *Unsupervised
/// Feature Learning via Non-Parametric Instance Discrimination*, CVPR 2018,
/// https://arxiv.org/abs/1805.01978): cosine similarity, the `k` most similar training
/// features vote for their labels with weight `exp(s / τ)`.
///
/// ```swift
/// let knn = KNNClassifier(features: trainFeatures, labels: trainLabels, classCount: 10, neighbourCount: 20)
/// print(knn.accuracy(features: testFeatures, labels: testLabels))
/// ```
public struct KNNClassifier: Sendable {
    /// The reference features, rows normalized to unit length, `[N, D]`.
    public let features: Tensor<Float>
    /// The label of each reference row.
    public let labels: [Int]
    /// The number of classes; labels are in `0..<classCount`.
    public let classCount: Int
    /// `k`, the neighbours that vote.
    public let neighbourCount: Int
    /// `τ` of the vote weights `exp(s / τ)`; `nil` gives every neighbour one vote.
    public let temperature: Double?

    /// A classifier holding `features` (normalized here) as its reference set.
    ///
    /// - Parameters:
    ///   - features: `[N, D]`.
    ///   - labels: `N` labels in `0..<classCount`.
    ///   - classCount: the number of classes.
    ///   - neighbourCount: `k` (20 by default; Wu et al. use 200 on ImageNet).
    ///   - temperature: `τ` (0.07 by default, Wu et al.'s), or `nil` for a plain majority vote.
    /// - Precondition: one label per row, labels in range, `1 ≤ k ≤ N`.
    public init(features: Tensor<Float>, labels: [Int], classCount: Int, neighbourCount: Int = 20, temperature: Double? = 0.07) {
        precondition(features.rank == 2 && features.shape[0] == labels.count,
                     "KNNClassifier: features of shape \(features.shape) for \(labels.count) labels")
        precondition(labels.allSatisfy { (0..<classCount).contains($0) }, "KNNClassifier: a label is outside 0..<\(classCount)")
        precondition(neighbourCount >= 1 && neighbourCount <= labels.count,
                     "KNNClassifier: k = \(neighbourCount) for \(labels.count) reference rows")
        self.features = features.rowsNormalized()
        self.labels = labels
        self.classCount = classCount
        self.neighbourCount = neighbourCount
        self.temperature = temperature
    }

    /// The predicted class of each row of `queries` `[M, D]`: the class with the largest total
    /// vote (the lower class on a tie). The search runs in blocks, never holding `[M, N]` scores.
    public func predictions(for queries: Tensor<Float>) -> [Int] {
        let neighbours = queries.rowsNormalized().nearestNeighbours(among: features, k: neighbourCount, metric: .dotProduct)
        let scores = neighbours.scores.scalars, indices = neighbours.indices.scalars
        let queryCount = queries.shape[0]
        return (0..<queryCount).map { row in
            var votes = [Double](repeating: 0, count: classCount)
            for slot in (row * neighbourCount)..<((row + 1) * neighbourCount) where indices[slot] >= 0 {
                votes[labels[indices[slot]]] += temperature.map { Foundation.exp(Double(scores[slot]) / $0) } ?? 1
            }
            return votes.indices.max { votes[$0] < votes[$1] || (votes[$0] == votes[$1] && $0 > $1) }!
        }
    }

    /// The fraction of rows of `features` whose predicted class is their label.
    public func accuracy(features queries: Tensor<Float>, labels queryLabels: [Int]) -> Double {
        precondition(queries.rank == 2 && queries.shape[0] == queryLabels.count,
                     "KNNClassifier.accuracy: features of shape \(queries.shape) for \(queryLabels.count) labels")
        let predicted = predictions(for: queries)
        return Double(zip(predicted, queryLabels).filter { $0 == $1 }.count) / Double(Swift.max(queryLabels.count, 1))
    }
}
