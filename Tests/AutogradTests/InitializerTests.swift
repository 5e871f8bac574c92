import Testing
import Autograd
import _TestSupport

/// Initializers: fans and gains equal `torch.nn.init`'s, and large draws have the standard
/// deviation and bounds of PyTorch's formulas.
@Suite struct InitializerTests {
    /// The sample standard deviation (mean not subtracted: every initializer here is centred).
    func rootMeanSquare(_ tensor: Tensor<Double>) -> Double {
        (tensor.scalars.reduce(0) { $0 + $1 * $1 } / Double(tensor.count)).squareRoot()
    }

    @Test func fansAndGainsMatchPyTorch() throws {
        let fixture = try Fixture("layers", bundle: .module)
        for index in 0..<3 {
            let shape = fixture.entries["fans_\(index)_shape"]!.data.map { Int($0) }
            let fans = weightFans(shape)
            #expect([fans.fanIn, fans.fanOut] == fixture.entries["fans_\(index)"]!.data.map { Int($0) }, "\(shape)")
        }
        let gains = [Nonlinearity.linear, .sigmoid, .tanh, .relu, .selu, .leakyRelu(slope: 0.2),
                     .leakyRelu(slope: 5.0.squareRoot())].map(\.gain)
        assertClose(gains, fixture.entries["gains"]!.data, absolute: 1e-15)
    }

    @Test func convolutionFanInCountsTheGroupsChannelsAndTheKernel() {
        // Conv2d(8, 16, 3, groups=4): weight [16, 2, 3, 3].
        #expect(weightFans([16, 2, 3, 3]) == (fanIn: 18, fanOut: 144))
    }

    @Test func kaimingStandardDeviations() {
        var generator = PhiloxGenerator(seed: 20)
        let shape = [256, 64, 3, 3]  // fan in 576, fan out 2304
        let normal: Tensor<Double> = Initializer.kaimingNormal().tensor(shape, using: &generator)
        #expect(abs(rootMeanSquare(normal) / (2.0 / 576).squareRoot() - 1) < 0.01)
        let fanOut: Tensor<Double> = Initializer.kaimingNormal(mode: .fanOut, nonlinearity: .relu).tensor(shape, using: &generator)
        #expect(abs(rootMeanSquare(fanOut) / (2.0 / 2304).squareRoot() - 1) < 0.01)
        let leaky: Tensor<Double> = Initializer.kaimingUniform(nonlinearity: .leakyRelu(slope: 0.2)).tensor(shape, using: &generator)
        let bound = (2 / 1.04).squareRoot() * (3.0 / 576).squareRoot()
        #expect(leaky.scalars.allSatisfy { abs($0) <= bound })
        #expect(leaky.scalars.map(abs).max()! > 0.999 * bound)
        #expect(abs(rootMeanSquare(leaky) / (bound / 3.0.squareRoot()) - 1) < 0.01)
    }

    @Test func xavierStandardDeviations() {
        var generator = PhiloxGenerator(seed: 21)
        let shape = [300, 500]
        let standardDeviation = (2.0 / 800).squareRoot()
        let uniform: Tensor<Double> = Initializer.xavierUniform().tensor(shape, using: &generator)
        #expect(uniform.scalars.allSatisfy { abs($0) <= 3.0.squareRoot() * standardDeviation })
        #expect(abs(rootMeanSquare(uniform) / standardDeviation - 1) < 0.01)
        let normal: Tensor<Double> = Initializer.xavierNormal(gain: 5.0 / 3).tensor(shape, using: &generator)
        #expect(abs(rootMeanSquare(normal) / (5.0 / 3 * standardDeviation) - 1) < 0.01)
    }

    @Test func truncatedNormalUsesAbsoluteBounds() {
        var generator = PhiloxGenerator(seed: 22)
        // timm's ViT initialization: σ = 0.02 within ±2 (absolute): in effect untruncated.
        let vit: Tensor<Double> = Initializer.truncatedNormal(standardDeviation: 0.02).tensor([200, 500], using: &generator)
        #expect(abs(rootMeanSquare(vit) / 0.02 - 1) < 0.01)
        // σ = 1 within ±2: the variance of N(0, 1) truncated at ±2 is 0.7737.
        let truncated: Tensor<Double> = Initializer.truncatedNormal().tensor([200, 500], using: &generator)
        #expect(truncated.scalars.allSatisfy { abs($0) <= 2 })
        #expect(abs(rootMeanSquare(truncated) - 0.7737.squareRoot()) < 0.01)
        let shifted: Tensor<Float> = Initializer.truncatedNormal(mean: 1, standardDeviation: 1, lower: 0.5, upper: 3)
            .tensor([1000], using: &generator)
        #expect(shifted.scalars.allSatisfy { $0 >= 0.5 && $0 <= 3 })
    }

    @Test func constantsAndParameterInitialization() {
        var generator = PhiloxGenerator(seed: 23)
        #expect((Initializer.zeros.tensor([2, 3], using: &generator) as Tensor<Float>) == Tensor.zeros([2, 3]))
        #expect((Initializer.ones.tensor([4], using: &generator) as Tensor<Double>) == Tensor.ones([4]))
        #expect((Initializer.constant(0.5).tensor([2], using: &generator) as Tensor<Float>) == Tensor([0.5, 0.5]))
        let before = generator
        _ = Initializer.zeros.tensor([3], using: &generator) as Tensor<Float>
        #expect(generator == before, "constants draw no random numbers")

        let linear = Linear<Float>(inputFeatures: 4, outputFeatures: 3, using: &generator)
        linear.weight.initialize(.xavierUniform(), using: &generator)
        linear.bias!.initialize(.zeros, using: &generator)
        #expect(linear.weight.shape == [3, 4])
        #expect(linear.weight.value.scalars.allSatisfy { abs($0) <= Float((6.0 / 7).squareRoot()) })
        #expect(linear.bias!.value == Tensor.zeros([3]))
    }

    @Test func theSameSeedGivesTheSameWeights() {
        var first = PhiloxGenerator(seed: 24), second = PhiloxGenerator(seed: 24)
        let a: Tensor<Float> = Initializer.kaimingUniform().tensor([8, 8], using: &first)
        let b: Tensor<Float> = Initializer.kaimingUniform().tensor([8, 8], using: &second)
        #expect(a == b)
        let c: Tensor<Float> = Initializer.kaimingUniform().tensor([8, 8], using: &first)
        #expect(a != c)
    }
}
