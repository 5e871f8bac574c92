import Testing
import Autograd
import _TestSupport

/// Multi-head attention against timm's ViT `Attention` (written out in `scripts/fixtures/layers.py`).
@Suite struct AttentionTests {
    let fixture: Fixture
    let attention: MultiHeadAttention<Float>

    init() throws {
        fixture = try Fixture("layers", bundle: .module)
        var generator = PhiloxGenerator(seed: 0)
        attention = MultiHeadAttention(embeddingDimension: 8, headCount: 2, using: &generator)
        attention.queryKeyValue.weight.value = fixture.tensor("mha_qkv_weight")
        attention.queryKeyValue.bias!.value = fixture.tensor("mha_qkv_bias")
        attention.outputProjection.weight.value = fixture.tensor("mha_proj_weight")
        attention.outputProjection.bias!.value = fixture.tensor("mha_proj_bias")
    }

    var input: Variable<Float> { Variable(fixture.tensor("mha_input")) }

    @Test func parameterNamesAndCountFollowTimm() {
        #expect(attention.namedParameters().map(\.name) == ["qkv.weight", "qkv.bias", "proj.weight", "proj.bias"])
        #expect(attention.parameterCount == Int(fixture.entries["mha_parameter_count"]!.data[0]))
        #expect(attention.parameterCount == (8 * 24 + 24) + (8 * 8 + 8))
        var generator = PhiloxGenerator(seed: 0)
        let withoutBias = MultiHeadAttention<Float>(embeddingDimension: 8, headCount: 2, bias: false, using: &generator)
        #expect(withoutBias.namedParameters().map(\.name) == ["qkv.weight", "proj.weight", "proj.bias"])
    }

    @Test func selfAttentionMatchesPyTorch() {
        assertClose(attention(input).value, fixture.tensor("mha_output"), absolute: 1e-5)
        assertClose(attention.attentionWeights!, fixture.tensor("mha_weights"), absolute: 1e-6)
    }

    @Test func attentionWeightRowsSumToOne() {
        _ = attention(input)
        let weights = attention.attentionWeights!
        #expect(weights.shape == [2, 2, 5, 5])
        assertClose(weights.sum(alongAxes: [-1]), Tensor.ones([2, 2, 5]), absolute: 1e-6)
        #expect(weights.scalars.allSatisfy { $0 >= 0 })
    }

    @Test func masksMatchPyTorch() {
        let causal = attention(input, mask: .additive(fixture.tensor("mha_causal_mask"))).value
        assertClose(causal, fixture.tensor("mha_causal_output"), absolute: 1e-5)
        // Causal: each query gives the keys after it no weight.
        let weights = attention.attentionWeights!
        #expect(weights.sliced(axis: 2, from: 0, to: 1).sliced(axis: 3, from: 1).scalars.allSatisfy { $0 == 0 })

        let entry = fixture.entries["mha_allowed_mask"]!
        let allowed = Tensor<Bool>(shape: entry.shape, scalars: entry.data.map { $0 != 0 })
        assertClose(attention(input, mask: .allowed(allowed)).value, fixture.tensor("mha_allowed_output"), absolute: 1e-5)
        assertClose(attention.attentionWeights!.sum(alongAxes: [-1]), Tensor.ones([2, 2, 5]), absolute: 1e-6)
    }

    @Test func crossAttentionWithEqualInputsIsSelfAttention() {
        let crossed = attention(query: input, key: input, value: input).value
        assertClose(crossed, fixture.tensor("mha_output"), absolute: 1e-5)
        // Fewer queries than keys: the output follows the queries, the weights the keys.
        let queries = input.sliced(axis: 1, from: 0, to: 2)
        #expect(attention(query: queries, key: input, value: input).shape == [2, 2, 8])
        #expect(attention.attentionWeights!.shape == [2, 2, 2, 5])
    }

    @Test func scaledDotProductAttentionOfOneKeyReturnsItsValue() {
        var generator = PhiloxGenerator(seed: 4)
        let query = Variable(Tensor<Double>.normal([3, 2, 4], using: &generator))
        let key = Variable(Tensor<Double>.normal([3, 1, 4], using: &generator))
        let value = Variable(Tensor<Double>.normal([3, 1, 5], using: &generator))
        let (output, weights) = scaledDotProductAttention(query: query, key: key, value: value)
        #expect(weights.value == Tensor.ones([3, 2, 1]))
        assertClose(output.value, value.value.expanded(to: [3, 2, 5]), absolute: 0)
    }
}
