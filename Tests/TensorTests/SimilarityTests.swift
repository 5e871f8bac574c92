import Foundation
import Testing
import Tensor
import _TestSupport

@Suite struct SimilarityTests {
    let fixture = try! Fixture("similarity", bundle: .module)

    @Test func cosineSimilaritiesMatchNumPyAndAZeroRowGivesZero() {
        let a: Tensor<Double> = fixture.tensor("a"), b: Tensor<Double> = fixture.tensor("b")
        let cosine = a.cosineSimilarities(to: b)
        assertClose(cosine, fixture.tensor("cosine"), absolute: 1e-12)
        #expect(cosine.sliced(axis: 1, from: 2, to: 3).scalars.allSatisfy { $0 == 0 })
        // Float, and operands in a transposed layout, agree too.
        let floatCosine = Tensor<Float>(a.scalars.map(Float.init)).reshaped(to: a.shape)
            .cosineSimilarities(to: Tensor<Float>(b.scalars.map(Float.init)).reshaped(to: b.shape))
        assertClose(floatCosine, fixture.tensor("cosine"), absolute: 1e-6)
        let transposedLayout = a.transposed().contiguous().transposed()
        assertClose(transposedLayout.cosineSimilarities(to: b), fixture.tensor("cosine"), absolute: 1e-12)
    }

    @Test func squaredDistancesMatchNumPyAndAreNeverNegative() {
        let a: Tensor<Double> = fixture.tensor("a"), b: Tensor<Double> = fixture.tensor("b")
        assertClose(a.squaredDistances(to: b), fixture.tensor("squared_distances"), absolute: 1e-12)
        assertClose(a.distances(to: b), fixture.tensor("squared_distances").sqrt(), absolute: 1e-12)
        // A row against itself: 0 exactly, not a rounding error below it.
        let self_ = a.squaredDistances(to: a)
        #expect(self_.scalars.allSatisfy { $0 >= 0 })
        for i in 0..<5 { #expect(self_.selecting(i).scalars[i] < 1e-12) }
    }

    @Test func nearestNeighboursMatchStableTopKWithExclusionInEveryBlockShape() {
        let queries: Tensor<Double> = fixture.tensor("queries"), candidates: Tensor<Double> = fixture.tensor("candidates")
        let expectedIndices = indexTensor(fixture, "dot_excluding_indices")
        // Blocks smaller than k, not dividing the candidates, and one block for everything.
        for (queryBlock, candidateBlock) in [(1, 3), (4, 7), (6, 40), (1024, 4096)] {
            let result = queries.nearestNeighbours(among: candidates, k: 5, metric: .dotProduct,
                                                   queryKeys: (0..<6).map { $0 * 3 }, candidateKeys: Array(0..<40),
                                                   queryBlockSize: queryBlock, candidateBlockSize: candidateBlock)
            #expect(result.indices == expectedIndices, "blocks \(queryBlock) × \(candidateBlock)")
            assertClose(result.scores, fixture.tensor("dot_excluding_scores"))
        }
        let distance = queries.nearestNeighbours(among: candidates, k: 5, metric: .squaredEuclidean, candidateBlockSize: 6)
        #expect(distance.indices == indexTensor(fixture, "distance_indices"))
        assertClose(distance.scores, fixture.tensor("distance_scores"))
    }

    @Test func cosineSearchAgreesWithTheFullSimilarityMatrix() {
        var generator = PhiloxGenerator(seed: 5)
        let queries = Tensor<Float>.normal([33, 8], using: &generator)
        let candidates = Tensor<Float>.normal([300, 8], using: &generator)
        let full = queries.cosineSimilarities(to: candidates).topK(10)
        let blocked = queries.nearestNeighbours(among: candidates, k: 10, candidateBlockSize: 64)
        #expect(blocked.indices == full.indices)
        assertClose(blocked.scores, full.values, absolute: 1e-6)
    }

    @Test func tooFewCandidatesLeaveMarkedEmptySlots() {
        let points = Tensor<Float>(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 1])
        // Leave-one-out over the points themselves: each has 2 candidates, k = 3.
        let result = points.nearestNeighbours(among: points, k: 3, queryKeys: [0, 1, 2], candidateKeys: [0, 1, 2])
        #expect(result.indices.scalars == [2, 1, -1, 2, 0, -1, 0, 1, -1])
        #expect(result.scores.selecting(2, alongAxis: 1).scalars.allSatisfy { $0 == -.infinity })
        // A query is never its own neighbour, even when it is the nearest point.
        for i in 0..<3 { #expect(!result.indices.selecting(i).scalars.contains(i)) }
    }

    @Test func keysExcludeEveryCopyOfTheQuery() {
        // Candidates 0 and 2 share key 7 (one image stored twice in a bank): both are left out.
        let queries = Tensor<Float>(shape: [1, 2], scalars: [1, 0])
        let candidates = Tensor<Float>(shape: [4, 2], scalars: [1, 0, 0.5, 0.5, 1, 0.01, 0, 1])
        let result = queries.nearestNeighbours(among: candidates, k: 2, queryKeys: [7], candidateKeys: [7, 1, 7, 2],
                                               candidateBlockSize: 2)
        #expect(result.indices.scalars == [1, 3])
    }
}
