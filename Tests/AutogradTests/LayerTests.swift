import Foundation
import Testing
import Autograd
import _TestSupport

/// Layers against PyTorch (`scripts/fixtures/layers.py`): the fixture holds each case's input,
/// the weights PyTorch used and its output; the Swift layer gets the same weights.
@Suite struct LayerTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture("layers", bundle: .module) }

    func tensor(_ key: String) -> Tensor<Float> { fixture.tensor(key) }

    @Test func conv2dMatchesPyTorchGroupedAndDilated() {
        var generator = PhiloxGenerator(seed: 0)
        let grouped = Conv2d<Float>(inputChannels: 4, outputChannels: 6, kernelSize: 3, stride: Spatial2d(2, 1),
                                    padding: Spatial2d(1, 2), groups: 2, using: &generator)
        #expect(grouped.weight.shape == [6, 2, 3, 3])
        #expect(grouped.parameterCount == Int(fixture.entries["conv_grouped_parameter_count"]!.data[0]))
        grouped.weight.value = tensor("conv_grouped_weight")
        grouped.bias!.value = tensor("conv_grouped_bias")
        assertClose(grouped(Variable(tensor("conv_grouped_input"))).value, tensor("conv_grouped_output"), absolute: 1e-5)

        let dilated = Conv2d<Float>(inputChannels: 3, outputChannels: 4, kernelSize: Spatial2d(3, 2), dilation: 2,
                                    bias: false, using: &generator)
        #expect(dilated.namedParameters().map(\.name) == ["weight"])
        dilated.weight.value = tensor("conv_dilated_weight")
        assertClose(dilated(Variable(tensor("conv_dilated_input"))).value, tensor("conv_dilated_output"), absolute: 1e-5)
    }

    @Test func conv2dDefaultInitializationIsBoundedByOneOverRootFanIn() {
        var generator = PhiloxGenerator(seed: 1)
        let conv = Conv2d<Float>(inputChannels: 8, outputChannels: 16, kernelSize: 3, groups: 2, using: &generator)
        let bound = Float(1 / (4.0 * 9).squareRoot())   // fan in = C/groups · kH · kW = 36
        let weights = conv.weight.value.scalars
        #expect(weights.allSatisfy { abs($0) <= bound })
        // Uniform on ±b: the largest magnitude comes close to b, the standard deviation is b/√3.
        #expect(weights.map(abs).max()! > 0.95 * bound)
        let standardDeviation = (weights.map { $0 * $0 }.reduce(0, +) / Float(weights.count)).squareRoot()
        #expect(abs(standardDeviation - bound / Float(3).squareRoot()) < 0.1 * bound)
        #expect(conv.bias!.value.scalars.allSatisfy { abs($0) <= bound })
    }

    @Test func batchNorm2dTrainsLikePyTorchThenEvaluatesWithRunningStatistics() {
        let norm = BatchNorm2d<Float>(featureCount: 3)
        #expect(norm.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(norm.namedBuffers().map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
        #expect(norm.runningVariance.value.scalars == [1, 1, 1])
        norm.weight!.value = tensor("bn2d_weight")
        norm.bias!.value = tensor("bn2d_bias")
        for step in 1...2 {
            let output = norm(Variable(tensor("bn2d_train\(step)_input")))
            assertClose(output.value, tensor("bn2d_train\(step)_output"), absolute: 1e-5)
            assertClose(norm.runningMean.value, tensor("bn2d_train\(step)_running_mean"), absolute: 1e-5)
            // Updated with the unbiased variance, while the output used the biased one.
            assertClose(norm.runningVariance.value, tensor("bn2d_train\(step)_running_var"), absolute: 1e-5)
            #expect(norm.trackedBatchCount.value.scalars == [step])
        }
        norm.eval()
        let before = norm.runningMean.value
        assertClose(norm(Variable(tensor("bn2d_eval_input"))).value, tensor("bn2d_eval_output"), absolute: 1e-5)
        #expect(norm.runningMean.value == before, "evaluation must not touch the running statistics")
        #expect(norm.trackedBatchCount.value.scalars == [2])
    }

    @Test func batchNorm1dWithoutAffineAndCumulativeAverage() {
        let norm = BatchNorm1d<Float>(featureCount: 3, momentum: nil, affine: false)
        #expect(norm.namedParameters().isEmpty)
        for step in 1...2 {
            assertClose(norm(Variable(tensor("bn1d_train\(step)_input"))).value, tensor("bn1d_train\(step)_output"), absolute: 1e-5)
        }
        assertClose(norm.runningMean.value, tensor("bn1d_running_mean"), absolute: 1e-5)
        assertClose(norm.runningVariance.value, tensor("bn1d_running_var"), absolute: 1e-5)
        norm.eval()
        assertClose(norm(Variable(tensor("bn1d_eval_input"))).value, tensor("bn1d_eval_output"), absolute: 1e-5)
    }

    @Test func batchNormTrainModeOutputHasZeroMeanAndUnitVariancePerChannel() {
        var generator = PhiloxGenerator(seed: 2)
        let norm = BatchNorm2d<Double>(featureCount: 2)
        let input = Tensor<Double>.normal([8, 2, 3, 3], mean: 3, standardDeviation: 2, using: &generator)
        let output = norm(Variable(input)).value
        assertClose(output.mean(alongAxes: [0, 2, 3]), Tensor([0, 0]), absolute: 1e-12)
        assertClose(output.variance(alongAxes: [0, 2, 3], correction: 0), Tensor([1, 1]), absolute: 1e-3)
        norm.eval()
        // Fresh running statistics (0, 1) after one step with momentum 0.1: far from the batch's.
        let evaluated = norm(Variable(input)).value
        #expect(abs(evaluated.mean().scalars[0]) > 1)
    }

    @Test func layerNormMatchesPyTorch() {
        let norm = LayerNorm<Float>(normalizedShape: [3, 4])
        #expect(norm.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(norm.parameterCount == 24)
        norm.weight!.value = tensor("layernorm_weight")
        norm.bias!.value = tensor("layernorm_bias")
        assertClose(norm(Variable(tensor("layernorm_input"))).value, tensor("layernorm_output"), absolute: 1e-5)
        let plain = LayerNorm<Float>(dimension: 4, elementwiseAffine: false)
        #expect(plain.parameterCount == 0)
        assertClose(plain(Variable(tensor("layernorm_input"))).value, tensor("layernorm_plain_output"), absolute: 1e-5)
    }

    /// The fused layer norm's output and its three gradients against PyTorch's, in Float and Double.
    @Test func layerNormGradientsMatchPyTorch() {
        func check<Scalar: FloatingPointTensorElement>(_: Scalar.Type, tolerance: Double) {
            let norm = LayerNorm<Scalar>(dimension: 20, epsilon: 1e-6)
            norm.weight!.value = fixture.tensor("layernorm_vjp_weight")
            norm.bias!.value = fixture.tensor("layernorm_vjp_bias")
            let input = Variable<Scalar>(fixture.tensor("layernorm_vjp_input"), requiresGradient: true)
            let output = norm(input)
            assertClose(output.value, fixture.tensor("layernorm_vjp_output"), absolute: tolerance)
            let gradients = (output * Variable(fixture.tensor("layernorm_vjp_upstream"))).sum().backward()
            assertClose(gradients[input]!, fixture.tensor("layernorm_vjp_input_gradient"), absolute: tolerance)
            assertClose(gradients[norm.weight!]!, fixture.tensor("layernorm_vjp_weight_gradient"), absolute: tolerance)
            assertClose(gradients[norm.bias!]!, fixture.tensor("layernorm_vjp_bias_gradient"), absolute: tolerance)
        }
        check(Float.self, tolerance: 2e-5)
        check(Double.self, tolerance: 1e-12)
    }

    /// GELU in both forms, output and derivative, over [-6, 6] against PyTorch, in Float and Double.
    @Test func geluBothFormsAndTheirDerivativesMatchPyTorch() {
        func check<Scalar: FloatingPointTensorElement>(_: Scalar.Type, tolerance: Double) {
            for (approximate, name) in [(GELUApproximation.exact, "gelu"), (.tanh, "gelu_tanh")] {
                let input = Variable<Scalar>(fixture.tensor("gelu_wide_input"), requiresGradient: true)
                let output = GELU<Scalar>(approximate: approximate)(input)
                assertClose(output.value, fixture.tensor("\(name)_wide_output"), absolute: tolerance, "\(name) \(Scalar.self)")
                assertClose(output.sum().backward()[input]!, fixture.tensor("\(name)_wide_derivative"), absolute: tolerance,
                            "\(name) derivative \(Scalar.self)")
            }
        }
        check(Float.self, tolerance: 2e-6)
        check(Double.self, tolerance: 1e-12)
    }

    @Test func embeddingLooksUpRowsAndScattersGradients() {
        var generator = PhiloxGenerator(seed: 0)
        let embedding = Embedding<Float>(embeddingCount: 10, embeddingDimension: 4, using: &generator)
        #expect(embedding.namedParameters().map(\.name) == ["weight"])
        embedding.weight.value = tensor("embedding_weight")
        let indices = Tensor<Int>(shape: [2, 3], scalars: fixture.entries["embedding_indices"]!.data.map { Int($0) })
        let output = embedding(indices)
        assertClose(output.value, tensor("embedding_output"), absolute: 0)
        // Index 3 is used twice: its row receives two gradients; unused rows receive none.
        let gradient = output.sum().backward()[embedding.weight]!
        #expect(gradient.sum(alongAxes: [1]).scalars == [4, 4, 4, 8, 0, 0, 0, 0, 0, 4])
    }

    @Test func embeddingInitializationIsStandardNormal() {
        var generator = PhiloxGenerator(seed: 5)
        let values = Embedding<Double>(embeddingCount: 1000, embeddingDimension: 100, using: &generator).weight.value
        #expect(abs(values.mean().scalars[0]) < 0.01)
        #expect(abs(values.variance().scalars[0].squareRoot() - 1) < 0.01)
    }

    @Test func poolingMatchesPyTorch() {
        let input = Variable(tensor("pool_input"))
        assertClose(MaxPool2d<Float>(kernelSize: 3, stride: 2, padding: 1)(input).value, tensor("maxpool_output"), absolute: 1e-6)
        assertClose(AvgPool2d<Float>(kernelSize: 3, stride: 2, padding: 1, countIncludesPadding: false)(input).value,
                    tensor("avgpool_output"), absolute: 1e-6)
        assertClose(AvgPool2d<Float>(kernelSize: 2)(input).value, tensor("avgpool_plain_output"), absolute: 1e-6)
        assertClose(AdaptiveAvgPool2d<Float>(outputSize: Spatial2d(3, 2))(input).value, tensor("adaptive_output"), absolute: 1e-6)
    }

    @Test func activationsMatchPyTorch() {
        let input = Variable(tensor("activation_input"))
        let cases: [(any Layer<Float>, String)] = [
            (ReLU(), "relu"), (LeakyReLU(slope: 0.1), "leaky_relu"), (GELU(), "gelu"),
            (SiLU(), "silu"), (Tanh(), "tanh"), (Sigmoid(), "sigmoid"),
        ]
        for (layer, name) in cases {
            assertClose(layer(input).value, tensor("\(name)_output"), absolute: 1e-6, "\(name)")
            #expect(layer.parameterCount == 0)
        }
    }

    @Test func flattenAndIdentityKeepElementsInOrder() {
        let input = Tensor<Float>(shape: [2, 3, 2, 2], scalars: (0..<24).map { Float($0) })
        #expect(Flatten<Float>()(Variable(input)).shape == [2, 12])
        #expect(Flatten<Float>(startAxis: 0, endAxis: 1)(Variable(input)).shape == [6, 2, 2])
        #expect(Flatten<Float>(startAxis: 2)(Variable(input)).value.scalars == input.scalars)
        #expect(Identity<Float>()(Variable(input)).value == input)
    }

    @Test func layersComposeInSequentialWithPyTorchNames() {
        var generator = PhiloxGenerator(seed: 0)
        let model = Sequential<Float>([
            Conv2d(inputChannels: 3, outputChannels: 8, kernelSize: 3, padding: 1, bias: false, using: &generator),
            BatchNorm2d(featureCount: 8), ReLU(), MaxPool2d(kernelSize: 2),
            AdaptiveAvgPool2d(outputSize: 1), Flatten(), Dropout(probability: 0.2, using: &generator),
            Linear(inputFeatures: 8, outputFeatures: 10, using: &generator),
        ])
        #expect(model.namedParameters().map(\.name) == ["0.weight", "1.weight", "1.bias", "7.weight", "7.bias"])
        #expect(model.namedBuffers().map(\.name) == ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
        // nn.Conv2d(3, 8, 3, bias=False) + nn.BatchNorm2d(8) + nn.Linear(8, 10).
        #expect(model.parameterCount == 216 + 16 + 90)
        #expect(model(Variable(Tensor.ones([2, 3, 8, 8]))).shape == [2, 10])
    }
}
