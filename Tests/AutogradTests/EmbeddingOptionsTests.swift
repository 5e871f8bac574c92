import Testing
import Autograd
import _TestSupport

/// `Embedding`'s `paddingIndex` and `maximumNorm` against PyTorch's `padding_idx` and `max_norm`
/// (scripts/fixtures/embedding_options.py).
@Suite struct EmbeddingOptionsTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture("embedding_options", bundle: .module) }

    var indices: Tensor<Int> {
        Tensor<Int>(shape: [2, 3], scalars: fixture.entries["indices"]!.data.map { Int($0) })
    }

    func gradient(of embedding: Embedding<Double>, output: Variable<Double>) -> Tensor<Double> {
        (output * Variable(fixture.tensor("upstream"))).sum().backward()[embedding.weight]!
    }

    @Test func paddingRowPassesItsValueButNoGradient() {
        var generator = PhiloxGenerator(seed: 0)
        let embedding = Embedding<Double>(embeddingCount: 6, embeddingDimension: 3, paddingIndex: 2, using: &generator)
        #expect(embedding.weight.value.sliced(axis: 0, from: 2, to: 3).scalars == [0, 0, 0], "the padding row starts at zero")
        embedding.weight.value = fixture.tensor("weight")
        let output = embedding(indices)
        assertClose(output.value, fixture.tensor("padding.output"), absolute: 0)
        assertClose(gradient(of: embedding, output: output), fixture.tensor("padding.gradient"), absolute: 1e-12)
    }

    @Test func negativePaddingIndexCountsFromTheEnd() {
        var generator = PhiloxGenerator(seed: 0)
        let embedding = Embedding<Float>(embeddingCount: 6, embeddingDimension: 3, paddingIndex: -1, using: &generator)
        #expect(embedding.paddingIndex == 5)
        #expect(embedding.weight.value.sliced(axis: 0, from: 5, to: 6).scalars == [0, 0, 0])
    }

    @Test func longRowsAreRenormalizedInPlaceBeforeTheLookup() {
        var generator = PhiloxGenerator(seed: 0)
        let embedding = Embedding<Double>(embeddingCount: 6, embeddingDimension: 3, maximumNorm: 2.5, using: &generator)
        embedding.weight.value = fixture.tensor("weight")
        let output = embedding(indices)
        assertClose(output.value, fixture.tensor("maxNorm.output"), absolute: 1e-12)
        assertClose(embedding.weight.value, fixture.tensor("maxNorm.weightAfter"), absolute: 1e-12)
        assertClose(gradient(of: embedding, output: output), fixture.tensor("maxNorm.gradient"), absolute: 1e-12)
        // Rows not looked up (3 and 4) keep their length, whatever it is.
        let untouched: Tensor<Double> = fixture.tensor("weight")
        #expect(embedding.weight.value.sliced(axis: 0, from: 3, to: 5) == untouched.sliced(axis: 0, from: 3, to: 5))
    }
}
