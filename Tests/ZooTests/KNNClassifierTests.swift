import Foundation
import Testing
import _TestSupport
@testable import Zoo

@Suite("kNN classifier and class variance")
struct KNNClassifierTests {
    @Test func neighboursVoteByCosineSimilarity() {
        // Class 0 along +x, class 1 along +y; lengths differ to show only directions count.
        let reference = Tensor<Float>(shape: [4, 2], scalars: [1, 0.1, 5, 0, 0.1, 1, 0, 3])
        let knn = KNNClassifier(features: reference, labels: [0, 0, 1, 1], classCount: 2, neighbourCount: 3)
        let queries = Tensor<Float>(shape: [3, 2], scalars: [10, 1, 1, 9, 2, -0.5])
        #expect(knn.predictions(for: queries) == [0, 1, 0])
        #expect(knn.accuracy(features: queries, labels: [0, 1, 1]) == 2.0 / 3)
    }

    @Test func weightsDecideWhereTheMajorityWouldNot() {
        // k = 3: one very close neighbour of class 1 against two distant ones of class 0.
        let reference = Tensor<Float>(shape: [3, 2], scalars: [1, 0, 0.6, 0.8, 0.5, 0.866])
        let query = Tensor<Float>(shape: [1, 2], scalars: [1, 0.01])
        let weighted = KNNClassifier(features: reference, labels: [1, 0, 0], classCount: 2, neighbourCount: 3, temperature: 0.07)
        let majority = KNNClassifier(features: reference, labels: [1, 0, 0], classCount: 2, neighbourCount: 3, temperature: nil)
        #expect(weighted.predictions(for: query) == [1])
        #expect(majority.predictions(for: query) == [0])
    }

    @Test func classVarianceByHand() {
        // Unit vectors: class 0 at ±10° around +x, class 1 exactly +y (collapsed).
        let angle = 10 * Float.pi / 180
        let features = Tensor<Float>(shape: [4, 2], scalars: [cos(angle), sin(angle), cos(angle), -sin(angle), 0, 1, 0, 2])
        let variance = ClassVariance(features: features, labels: [0, 0, 1, 1], classCount: 2)
        let within0 = Double(sin(angle) * sin(angle))            // each point is sin 10° from the mean
        #expect(abs(variance.withinByClass[0] - within0) < 1e-6)
        #expect(variance.withinByClass[1] == 0)
        #expect(abs(variance.within - within0 / 2) < 1e-6)
        // Means (cos 10°, 0) and (0, 1), overall mean halfway: between = ‖μ0 − μ1‖² / 4.
        let between = Double(cos(angle) * cos(angle) + 1) / 4
        #expect(abs(variance.between - between) < 1e-6)
        #expect(abs(variance.ratio - within0 / 2 / between) < 1e-6)
        #expect(variance.ratioByClass[1] == 0)
    }
}
