import Testing
import Autograd
import _TestSupport

/// The layers' gradients with respect to their input and every parameter, against central
/// differences in Double.
@Suite struct LayerGradientTests {
    @Test func conv2dWithBias() {
        var generator = PhiloxGenerator(seed: 10)
        let conv = Conv2d<Double>(inputChannels: 4, outputChannels: 4, kernelSize: 3, stride: 2, padding: 1,
                                  groups: 2, using: &generator)
        let input = Tensor<Double>.normal([2, 4, 5, 5], using: &generator)
        let report = checkLayerGradients(conv, input: input) { conv($0) }
        #expect(report.passed, "\(report)")
    }

    @Test func batchNormInTrainingMode() {
        var generator = PhiloxGenerator(seed: 11)
        let norm = BatchNorm2d<Double>(featureCount: 3)
        norm.weight!.value = Tensor.normal([3], mean: 1, standardDeviation: 0.3, using: &generator)
        norm.bias!.value = Tensor.normal([3], using: &generator)
        let input = Tensor<Double>.normal([4, 3, 2, 3], mean: 1, standardDeviation: 2, using: &generator)
        let report = checkLayerGradients(norm, input: input) { norm($0) }
        #expect(report.passed, "\(report)")
        let plain = BatchNorm1d<Double>(featureCount: 3, affine: false)
        let plainReport = checkLayerGradients(plain, input: Tensor.normal([5, 3], using: &generator)) { plain($0) }
        #expect(plainReport.passed, "\(plainReport)")
    }

    @Test func batchNormInEvaluationMode() {
        var generator = PhiloxGenerator(seed: 12)
        let norm = BatchNorm2d<Double>(featureCount: 2)
        norm.runningMean.value = Tensor([0.5, -1])
        norm.runningVariance.value = Tensor([2, 0.25])
        norm.eval()
        let report = checkLayerGradients(norm, input: Tensor.normal([2, 2, 2, 2], using: &generator)) { norm($0) }
        #expect(report.passed, "\(report)")
    }

    @Test func layerNorm() {
        var generator = PhiloxGenerator(seed: 13)
        let norm = LayerNorm<Double>(normalizedShape: [2, 3])
        norm.weight!.value = Tensor.normal([2, 3], mean: 1, standardDeviation: 0.3, using: &generator)
        norm.bias!.value = Tensor.normal([2, 3], using: &generator)
        let report = checkLayerGradients(norm, input: Tensor.normal([3, 2, 3], using: &generator)) { norm($0) }
        #expect(report.passed, "\(report)")
    }

    @Test func multiHeadSelfAttentionWithAMask() {
        var generator = PhiloxGenerator(seed: 14)
        let attention = MultiHeadAttention<Double>(embeddingDimension: 6, headCount: 2, using: &generator)
        let input = Tensor<Double>.normal([2, 4, 6], using: &generator)
        let report = checkLayerGradients(attention, input: input) { attention($0) }
        #expect(report.passed, "\(report)")
        let causal = Tensor<Bool>(shape: [4, 4], scalars: (0..<16).map { $0 % 4 <= $0 / 4 })
        let masked = checkLayerGradients(attention, input: input) { attention($0, mask: .allowed(causal)) }
        #expect(masked.passed, "\(masked)")
    }

    @Test func multiHeadCrossAttention() {
        var generator = PhiloxGenerator(seed: 15)
        let attention = MultiHeadAttention<Double>(embeddingDimension: 4, headCount: 2, using: &generator)
        let context = Variable(Tensor<Double>.normal([1, 5, 4], using: &generator))
        let report = checkLayerGradients(attention, input: Tensor.normal([1, 3, 4], using: &generator)) { query in
            attention(query: query, key: context, value: context)
        }
        #expect(report.passed, "\(report)")
    }

    @Test func theCheckerCatchesAWrongGradient() {
        // An op that doubles its input but passes the gradient through undoubled must fail.
        var generator = PhiloxGenerator(seed: 16)
        let norm = LayerNorm<Double>(dimension: 3)
        let report = checkLayerGradients(norm, input: Tensor.normal([2, 3], using: &generator)) { input in
            differentiableOperation("wrong", inputs: [norm(input)], value: norm(input).value * 2) { [$0] }
        }
        #expect(!report.passed)
    }
}
