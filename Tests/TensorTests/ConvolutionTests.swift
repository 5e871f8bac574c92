import Foundation
import Testing
import Tensor
import _TestSupport

/// Test data and settings shared by the convolution and pooling tests (in a namespace, so that
/// other test files may use the same names).
enum ConvolutionSamples {
    /// Deterministic, irregular test data: `sin(0.7·i + phase)` in row-major order.
    static func wave<Scalar: FloatingPointTensorElement>(_ shape: [Int], phase: Double = 0, as type: Scalar.Type = Scalar.self) -> Tensor<Scalar> {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Scalar(Foundation.sin(0.7 * Double($0) + phase)) })
    }

    /// `Σ a·b` over all elements, in Double.
    static func dot<Scalar: FloatingPointTensorElement>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Double {
        zip(a.scalars, b.scalars).reduce(0) { $0 + $1.0.doubleValue * $1.1.doubleValue }
    }

    /// Runs `body` with the thread budget set to `threads`, then puts the budget back.
    static func withThreadBudget<Result>(_ threads: Int, _ body: () -> Result) -> Result {
        let saved = ThreadBudget.count
        ThreadBudget.count = threads
        defer { ThreadBudget.count = saved }
        return body()
    }
}

/// One geometry of `scripts/fixtures/convolution.py`.
struct ConvolutionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let stride: Spatial2d, padding: Spatial2d, dilation: Spatial2d
    let groups: Int, hasBias: Bool
    var testDescription: String { name }

    static let all: [ConvolutionCase] = [
        .init(name: "basic", stride: 1, padding: 1, dilation: 1, groups: 1, hasBias: true),
        .init(name: "stride2", stride: 2, padding: Spatial2d(1, 2), dilation: 1, groups: 1, hasBias: false),
        .init(name: "dilation2", stride: 1, padding: 2, dilation: 2, groups: 1, hasBias: true),
        .init(name: "groups2", stride: 1, padding: 1, dilation: 1, groups: 2, hasBias: true),
        .init(name: "depthwise", stride: 2, padding: 1, dilation: 1, groups: 3, hasBias: false),
        .init(name: "pointwise", stride: 1, padding: 0, dilation: 1, groups: 1, hasBias: true),
        .init(name: "pointwiseStrided", stride: 2, padding: 0, dilation: 1, groups: 1, hasBias: false),
    ]
}

/// The convolution and pooling suites run one test at a time, one suite after the other: their
/// thread-count tests change the process-wide thread budget, and OpenBLAS's thread count with it.
@Suite(.serialized) struct ConvolutionAndPoolingTests {}

extension ConvolutionAndPoolingTests {
    @Suite struct ConvolutionTests {
        let fixture: Fixture
        init() throws { fixture = try Fixture("convolution", bundle: .module) }

        func check<Scalar: FloatingPointTensorElement>(_ c: ConvolutionCase, as type: Scalar.Type, tolerance: Double,
                                                       permuteInput: Bool) {
            var x: Tensor<Scalar> = fixture.tensor("\(c.name).x")
            if permuteInput {
                // The same values stored channels-last, seen through an NCHW view.
                x = x.permuted([0, 2, 3, 1]).contiguous().permuted([0, 3, 1, 2])
                #expect(!x.isContiguous)
            }
            let weight: Tensor<Scalar> = fixture.tensor("\(c.name).weight")
            let bias: Tensor<Scalar>? = c.hasBias ? fixture.tensor("\(c.name).bias") : nil
            let gy: Tensor<Scalar> = fixture.tensor("\(c.name).gy")
            let y = conv2d(x, weight: weight, bias: bias, stride: c.stride, padding: c.padding,
                           dilation: c.dilation, groups: c.groups)
            assertClose(y, fixture.tensor("\(c.name).y"), absolute: tolerance, relative: tolerance, "\(c.name) forward")
            let gx = conv2dBackwardInput(gy, weight: weight, inputShape: x.shape, stride: c.stride,
                                         padding: c.padding, dilation: c.dilation, groups: c.groups)
            assertClose(gx, fixture.tensor("\(c.name).gx"), absolute: tolerance, relative: tolerance, "\(c.name) input gradient")
            let gw = conv2dBackwardWeight(gy, input: x, weightShape: weight.shape, stride: c.stride,
                                          padding: c.padding, dilation: c.dilation, groups: c.groups)
            assertClose(gw, fixture.tensor("\(c.name).gw"), absolute: tolerance, relative: tolerance, "\(c.name) weight gradient")
            assertClose(conv2dBackwardBias(gy), fixture.tensor("\(c.name).gb"), absolute: tolerance, relative: tolerance,
                        "\(c.name) bias gradient")
        }

        @Test(arguments: ConvolutionCase.all) func matchesNumPyInFloat(_ c: ConvolutionCase) {
            check(c, as: Float.self, tolerance: 1e-5, permuteInput: false)
        }

        @Test(arguments: ConvolutionCase.all) func matchesNumPyInDouble(_ c: ConvolutionCase) {
            check(c, as: Double.self, tolerance: 1e-12, permuteInput: false)
        }

        @Test(arguments: ConvolutionCase.all) func permutedInputGivesTheSameResults(_ c: ConvolutionCase) {
            check(c, as: Float.self, tolerance: 1e-5, permuteInput: true)
        }

        @Test func broadcastAndSlicedInputsMatchTheirCopies() {
            // A batch that repeats one image (stride 0) and an input sliced with steps.
            let image: Tensor<Float> = ConvolutionSamples.wave([1, 3, 6, 5])
            let repeated = image.expanded(to: [3, 3, 6, 5])
            let weight: Tensor<Float> = ConvolutionSamples.wave([4, 3, 3, 3], phase: 1)
            #expect(repeated.strides[0] == 0)
            #expect(conv2d(repeated, weight: weight, padding: 1) == conv2d(repeated.copied(), weight: weight, padding: 1))
            let large: Tensor<Float> = ConvolutionSamples.wave([2, 6, 9, 8], phase: 2)
            let sliced = large.sliced(axis: 1, by: 2).sliced(axis: 3, from: 1, by: 2)  // [2, 3, 9, 4]
            let gy: Tensor<Float> = ConvolutionSamples.wave([2, 4, 5, 2], phase: 3)
            #expect(conv2d(sliced, weight: weight, stride: 2, padding: 1) == conv2d(sliced.copied(), weight: weight, stride: 2, padding: 1))
            #expect(conv2dBackwardWeight(gy, input: sliced, weightShape: weight.shape, stride: 2, padding: 1)
                    == conv2dBackwardWeight(gy, input: sliced.copied(), weightShape: weight.shape, stride: 2, padding: 1))
        }

        /// `⟨conv(x; w), g⟩ = ⟨x, convBackwardInput(g; w)⟩ = ⟨w, convBackwardWeight(g, x)⟩`: the two
        /// backward kernels are the adjoints of the forward one.
        @Test(arguments: [(Spatial2d(1), Spatial2d(1), Spatial2d(1), 1), (Spatial2d(2, 1), Spatial2d(2, 0), Spatial2d(1, 2), 2),
                          (Spatial2d(3), Spatial2d(1), Spatial2d(2), 4)])
        func backwardKernelsAreAdjoints(stride: Spatial2d, padding: Spatial2d, dilation: Spatial2d, groups: Int) {
            let x: Tensor<Double> = ConvolutionSamples.wave([3, 4, 9, 8])
            let weight: Tensor<Double> = ConvolutionSamples.wave([8, 4 / groups, 3, 3], phase: 0.5)
            let y = conv2d(x, weight: weight, stride: stride, padding: padding, dilation: dilation, groups: groups)
            let g: Tensor<Double> = ConvolutionSamples.wave(y.shape, phase: 1.5)
            let gx = conv2dBackwardInput(g, weight: weight, inputShape: x.shape, stride: stride, padding: padding,
                                         dilation: dilation, groups: groups)
            let gw = conv2dBackwardWeight(g, input: x, weightShape: weight.shape, stride: stride, padding: padding,
                                          dilation: dilation, groups: groups)
            let reference = ConvolutionSamples.dot(y, g)
            #expect(abs(reference) > 0.1)  // not trivially zero
            #expect(abs(ConvolutionSamples.dot(x, gx) - reference) <= 1e-10 * abs(reference))
            #expect(abs(ConvolutionSamples.dot(weight, gw) - reference) <= 1e-10 * abs(reference))
        }

        /// The input gradient against its definition summed directly,
        /// `dx[n, c, h, w] = Σ w[o, c, p, q] · dy[n, o, i, j]` over `h = i·s − pad + p·d`: covers the
        /// stride-1 path that runs it as a convolution with the turned kernel (padding up to and
        /// beyond `d·(k − 1)`, unequal per axis) and the `col2im` path.
        @Test(arguments: [(Spatial2d(1), Spatial2d(1), Spatial2d(1), 1), (Spatial2d(1), Spatial2d(2, 0), Spatial2d(1, 2), 1),
                          (Spatial2d(1), Spatial2d(0, 3), Spatial2d(1), 1), (Spatial2d(1), Spatial2d(1), Spatial2d(1), 2),
                          (Spatial2d(2, 1), Spatial2d(1), Spatial2d(1), 1)])
        func inputGradientMatchesTheDirectSum(stride: Spatial2d, padding: Spatial2d, dilation: Spatial2d, groups: Int) {
            let inputShape = [2, 4, 7, 6]
            let weight: Tensor<Double> = ConvolutionSamples.wave([6, 4 / groups, 3, 2], phase: 0.5)
            let outputShape = conv2d(Tensor<Double>.zeros(inputShape), weight: weight, stride: stride, padding: padding,
                                     dilation: dilation, groups: groups).shape
            let g: Tensor<Double> = ConvolutionSamples.wave(outputShape, phase: 1.5)
            let gx = conv2dBackwardInput(g, weight: weight, inputShape: inputShape, stride: stride, padding: padding,
                                         dilation: dilation, groups: groups)
            var expected = [Double](repeating: 0, count: inputShape.reduce(1, *))
            let (perGroupIn, perGroupOut) = (4 / groups, 6 / groups)
            for n in 0..<2 { for o in 0..<6 { for i in 0..<outputShape[2] { for j in 0..<outputShape[3] {
                for c in 0..<perGroupIn { for p in 0..<3 { for q in 0..<2 {
                    let h = i * stride.height - padding.height + p * dilation.height
                    let w = j * stride.width - padding.width + q * dilation.width
                    guard h >= 0 && h < 7 && w >= 0 && w < 6 else { continue }
                    let channel = o / perGroupOut * perGroupIn + c
                    expected[((n * 4 + channel) * 7 + h) * 6 + w] += weight[o, c, p, q] * g[n, o, i, j]
                } } }
            } } } }
            let actual = gx.scalars
            #expect(actual.count == expected.count)
            #expect(zip(actual, expected).allSatisfy { abs($0 - $1) <= 1e-12 })
            #expect(expected.contains { abs($0) > 0.1 })  // not trivially zero
        }

        /// An image large enough that the column matrix is done in several blocks of output rows
        /// (64 channels, 3×3: blocks of 128 columns): the forward pass and the weight gradient
        /// against their definitions summed directly, for the same-width path (padding 1) and the
        /// row-by-row one (padding 0).
        @Test(arguments: [1, 0])
        func blockedColumnsMatchTheDirectSum(padding: Int) {
            let (channels, outputs, height, width) = (64, 3, 30, 16)
            // Two images: a single one would keep one block and split its product across threads.
            let x: Tensor<Double> = ConvolutionSamples.wave([2, channels, height, width])
            let weight: Tensor<Double> = ConvolutionSamples.wave([outputs, channels, 3, 3], phase: 0.5)
            let y = conv2d(x, weight: weight, padding: Spatial2d(padding))
            let (outputHeight, outputWidth) = (y.shape[2], y.shape[3])
            let g: Tensor<Double> = ConvolutionSamples.wave(y.shape, phase: 1.5)
            let gw = conv2dBackwardWeight(g, input: x, weightShape: weight.shape, padding: Spatial2d(padding))
            let xs = x.scalars, ws = weight.scalars, gs = g.scalars
            var expectedY = [Double](repeating: 0, count: y.count), expectedW = [Double](repeating: 0, count: weight.count)
            for n in 0..<2 { for o in 0..<outputs { for c in 0..<channels { for p in 0..<3 { for q in 0..<3 {
                let tap = ((o * channels + c) * 3 + p) * 3 + q
                for i in 0..<outputHeight { for j in 0..<outputWidth {
                    let (h, w) = (i - padding + p, j - padding + q)
                    guard h >= 0 && h < height && w >= 0 && w < width else { continue }
                    let input = xs[((n * channels + c) * height + h) * width + w]
                    let output = ((n * outputs + o) * outputHeight + i) * outputWidth + j
                    expectedY[output] += ws[tap] * input
                    expectedW[tap] += gs[output] * input
                } }
            } } } } }
            #expect(zip(y.scalars, expectedY).allSatisfy { abs($0 - $1) <= 1e-11 })
            #expect(zip(gw.scalars, expectedW).allSatisfy { abs($0 - $1) <= 1e-11 })
        }

        @Test func resultsDoNotDependOnTheThreadCount() {
            // Batch 37: the weight gradient sums 3 images per partial, in 13 partials.
            let x: Tensor<Float> = ConvolutionSamples.wave([37, 6, 10, 9])
            let weight: Tensor<Float> = ConvolutionSamples.wave([4, 3, 3, 3], phase: 1)
            let bias: Tensor<Float> = ConvolutionSamples.wave([4], phase: 2)
            let gy: Tensor<Float> = ConvolutionSamples.wave([37, 4, 5, 5], phase: 3)
            func run() -> [Tensor<Float>] {
                [conv2d(x, weight: weight, bias: bias, stride: 2, padding: 1, groups: 2),
                 conv2dBackwardInput(gy, weight: weight, inputShape: x.shape, stride: 2, padding: 1, groups: 2),
                 conv2dBackwardWeight(gy, input: x, weightShape: weight.shape, stride: 2, padding: 1, groups: 2),
                 conv2dBackwardBias(gy)]
            }
            let one = ConvolutionSamples.withThreadBudget(1, run)
            let two = ConvolutionSamples.withThreadBudget(2, run)
            for (a, b) in zip(one, two) { #expect(a == b) }
            // Batch 1 takes the other path: one image, its product (64 × 576 × 576) large enough
            // for BLAS to use every thread.
            let single: Tensor<Float> = ConvolutionSamples.wave([1, 64, 24, 24], phase: 5)
            let big: Tensor<Float> = ConvolutionSamples.wave([64, 64, 3, 3], phase: 4)
            let singleGradient: Tensor<Float> = ConvolutionSamples.wave([1, 64, 24, 24], phase: 6)
            func runSingle() -> [Tensor<Float>] {
                [conv2d(single, weight: big, padding: 1),
                 conv2dBackwardInput(singleGradient, weight: big, inputShape: single.shape, padding: 1),
                 conv2dBackwardWeight(singleGradient, input: single, weightShape: big.shape, padding: 1)]
            }
            let singleOne = ConvolutionSamples.withThreadBudget(1, runSingle)
            let singleTwo = ConvolutionSamples.withThreadBudget(2, runSingle)
            for (a, b) in zip(singleOne, singleTwo) { #expect(a == b) }
        }

        @Test func zeroSizeDimensions() {
            let weight: Tensor<Float> = ConvolutionSamples.wave([4, 3, 3, 3])
            let empty = conv2d(Tensor<Float>.zeros([0, 3, 5, 5]), weight: weight, padding: 1)
            #expect(empty.shape == [0, 4, 5, 5])
            #expect(conv2dBackwardWeight(Tensor<Float>.zeros([0, 4, 5, 5]), input: Tensor<Float>.zeros([0, 3, 5, 5]),
                                         weightShape: [4, 3, 3, 3], padding: 1) == Tensor.zeros([4, 3, 3, 3]))
            #expect(conv2dBackwardInput(Tensor<Float>.zeros([0, 4, 5, 5]), weight: weight, inputShape: [0, 3, 5, 5],
                                        padding: 1).shape == [0, 3, 5, 5])
            // No input channels: the output is the bias alone.
            let bias = Tensor<Float>([1, 2])
            let noChannels = conv2d(Tensor<Float>.zeros([2, 0, 4, 4]), weight: Tensor<Float>.zeros([2, 0, 3, 3]), bias: bias)
            #expect(noChannels.shape == [2, 2, 2, 2])
            #expect(noChannels.scalars == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2])
            // No output channels.
            let x: Tensor<Float> = ConvolutionSamples.wave([2, 3, 4, 4])
            #expect(conv2d(x, weight: Tensor<Float>.zeros([0, 3, 3, 3])).shape == [2, 0, 2, 2])
            #expect(conv2dBackwardInput(Tensor<Float>.zeros([2, 0, 2, 2]), weight: Tensor<Float>.zeros([0, 3, 3, 3]),
                                        inputShape: [2, 3, 4, 4]) == Tensor.zeros([2, 3, 4, 4]))
        }

        @Test func outputSizeFollowsTheFormula() {
            // (H + 2p − d·(k − 1) − 1) / s + 1 = (11 + 4 − 2·4 − 1) / 3 + 1 = 3, and (7 + 0 − 2 − 1) / 1 + 1 = 5.
            let y = conv2d(Tensor<Double>.zeros([1, 1, 11, 7]), weight: Tensor<Double>.zeros([1, 1, 5, 3]),
                           stride: Spatial2d(3, 1), padding: Spatial2d(2, 0), dilation: Spatial2d(2, 1))
            #expect(y.shape == [1, 1, 3, 5])
        }
    }
}
