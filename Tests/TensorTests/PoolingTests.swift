import Foundation
import Testing
import Tensor
import _TestSupport

/// One max-pooling window of `scripts/fixtures/convolution.py`.
struct MaxPoolCase: Sendable, CustomTestStringConvertible {
    let name: String
    let kernel: Spatial2d, stride: Spatial2d?, padding: Spatial2d, dilation: Spatial2d
    var testDescription: String { name }

    static let all: [MaxPoolCase] = [
        .init(name: "max3s2p1", kernel: 3, stride: 2, padding: 1, dilation: 1),
        .init(name: "max2", kernel: 2, stride: nil, padding: 0, dilation: 1),
        .init(name: "max2d2p1", kernel: Spatial2d(2, 3), stride: Spatial2d(1, 2), padding: 1, dilation: 2),
    ]
}

extension ConvolutionAndPoolingTests {
    @Suite struct PoolingTests {
        let fixture: Fixture
        init() throws { fixture = try Fixture("pooling", bundle: .module) }

        func checkMaxPool<Scalar: FloatingPointTensorElement>(_ c: MaxPoolCase, _ x: Tensor<Scalar>) {
            let (values, indices) = maxPool2d(x, kernelSize: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation)
            assertClose(values, fixture.tensor("\(c.name).y"), absolute: 0, relative: 0, "\(c.name) values")
            let expectedIndices: [Double] = fixture.entries["\(c.name).indices"]!.data
            let actualIndices: [Double] = indices.scalars.map { Double($0) }
            #expect(actualIndices == expectedIndices, "\(c.name) indices")
            let gx = maxPool2dBackward(fixture.tensor("\(c.name).gy", as: Scalar.self), indices: indices, inputShape: x.shape)
            assertClose(gx, fixture.tensor("\(c.name).gx"), absolute: 1e-12, relative: 0, "\(c.name) gradient")
        }

        @Test(arguments: MaxPoolCase.all) func maxPoolMatchesNumPy(_ c: MaxPoolCase) {
            checkMaxPool(c, fixture.tensor("x", as: Float.self))
            checkMaxPool(c, fixture.tensor("x", as: Double.self))
            // The same values through a transposed-and-back view that is not contiguous.
            let x: Tensor<Float> = fixture.tensor("x")
            checkMaxPool(c, x.transposed().contiguous().transposed())
        }

        @Test func maxPoolTiesPaddingAndNaN() {
            // Ties: the first maximum in row-major window order wins.
            let tied = Tensor<Float>(shape: [1, 1, 2, 2], scalars: [1, 3, 3, 2])
            let (value, index) = maxPool2d(tied, kernelSize: 2)
            #expect(value.scalars == [3])
            #expect(index.scalars == [1])
            // Padding is −∞, not 0: an all-negative input keeps its own values at the corners.
            let negative = Tensor<Double>(shape: [1, 1, 2, 2], scalars: [-5, -7, -6, -8])
            let padded = maxPool2d(negative, kernelSize: 2, stride: 1, padding: 1)
            #expect(padded.values.scalars == [-5, -5, -7, -5, -5, -7, -6, -6, -8])
            #expect(padded.indices.scalars == [0, 0, 1, 0, 0, 1, 2, 2, 3])
            // NaN propagates, as in PyTorch.
            let withNaN = Tensor<Float>(shape: [1, 1, 1, 3], scalars: [1, .nan, 2])
            let pooled = maxPool2d(withNaN, kernelSize: Spatial2d(1, 3))
            #expect(pooled.values.scalars[0].isNaN)
            #expect(pooled.indices.scalars == [1])
            // −∞ everywhere still points inside the window.
            let infinite = Tensor<Float>(repeating: -.infinity, shape: [1, 1, 3, 3])
            #expect(maxPool2d(infinite, kernelSize: 3, stride: 2, padding: 1).indices.scalars == [0, 1, 3, 4])
        }

        @Test(arguments: [("avg3s2p1", true), ("avg3s2p1Exclude", false)])
        func avgPoolMatchesNumPy(name: String, countIncludesPadding: Bool) {
            func check<Scalar: FloatingPointTensorElement>(_ x: Tensor<Scalar>, tolerance: Double) {
                let y = avgPool2d(x, kernelSize: 3, stride: 2, padding: 1, countIncludesPadding: countIncludesPadding)
                assertClose(y, fixture.tensor("\(name).y"), absolute: tolerance, relative: tolerance, "\(name) forward")
                let gx = avgPool2dBackward(fixture.tensor("\(name).gy", as: Scalar.self), inputShape: x.shape, kernelSize: 3,
                                           stride: 2, padding: 1, countIncludesPadding: countIncludesPadding)
                assertClose(gx, fixture.tensor("\(name).gx"), absolute: tolerance, relative: tolerance, "\(name) gradient")
            }
            let x: Tensor<Double> = fixture.tensor("avg.x")
            check(x, tolerance: 1e-9)
            check(fixture.tensor("avg.x", as: Float.self), tolerance: 1e-6)
            check(x.permuted([0, 2, 3, 1]).contiguous().permuted([0, 3, 1, 2]), tolerance: 1e-9)
        }

        @Test func avgPoolDivisorsByHand() {
            // A 2×2 input of ones, 3×3 windows centred on each element (padding 1): each window holds
            // 4 ones among 9 positions, or 4 ones among 4 input positions.
            let ones = Tensor<Float>.ones([1, 1, 2, 2])
            let fourNinths: Float = 4.0 / 9
            #expect(avgPool2d(ones, kernelSize: 3, stride: 1, padding: 1).scalars == [Float](repeating: fourNinths, count: 4))
            #expect(avgPool2d(ones, kernelSize: 3, stride: 1, padding: 1, countIncludesPadding: false).scalars == [1, 1, 1, 1])
        }

        @Test(arguments: [("adaptive3x2", Spatial2d(3, 2)), ("adaptive4x7", Spatial2d(4, 7))])
        func adaptiveAvgPoolMatchesNumPy(name: String, outputSize: Spatial2d) {
            func check<Scalar: FloatingPointTensorElement>(_ x: Tensor<Scalar>, tolerance: Double) {
                assertClose(adaptiveAvgPool2d(x, outputSize: outputSize), fixture.tensor("\(name).y"),
                            absolute: tolerance, relative: tolerance, "\(name) forward")
                let gx = adaptiveAvgPool2dBackward(fixture.tensor("\(name).gy", as: Scalar.self), inputShape: x.shape)
                assertClose(gx, fixture.tensor("\(name).gx"), absolute: tolerance, relative: tolerance, "\(name) gradient")
            }
            check(fixture.tensor("avg.x", as: Double.self), tolerance: 1e-9)
            check(fixture.tensor("avg.x", as: Float.self), tolerance: 1e-6)
            let x: Tensor<Double> = fixture.tensor("avg.x")
            check(x.sliced(axis: 1, by: 1).transposed().contiguous().transposed(), tolerance: 1e-9)
        }

        @Test func globalAveragePoolingIsTheMean() {
            let x = Tensor<Double>(shape: [1, 2, 2, 3], scalars: [1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 12])
            #expect(adaptiveAvgPool2d(x, outputSize: 1).scalars == [3.5, 2])
            #expect(adaptiveAvgPool2dBackward(Tensor<Double>(shape: [1, 2, 1, 1], scalars: [6, 12]), inputShape: x.shape).scalars
                    == [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2])
        }

        @Test func broadcastInputMatchesItsCopy() {
            let image: Tensor<Float> = ConvolutionSamples.wave([1, 3, 8, 7])
            let batch = image.expanded(to: [4, 3, 8, 7])
            #expect(maxPool2d(batch, kernelSize: 3, stride: 2, padding: 1).values
                    == maxPool2d(batch.copied(), kernelSize: 3, stride: 2, padding: 1).values)
            #expect(avgPool2d(batch, kernelSize: 2) == avgPool2d(batch.copied(), kernelSize: 2))
            #expect(adaptiveAvgPool2d(batch, outputSize: 3) == adaptiveAvgPool2d(batch.copied(), outputSize: 3))
        }

        @Test func resultsDoNotDependOnTheThreadCount() {
            // 128 planes of 32 × 32: several chunks per thread.
            let x: Tensor<Float> = ConvolutionSamples.wave([4, 32, 32, 32])
            let gy: Tensor<Float> = ConvolutionSamples.wave([4, 32, 16, 16], phase: 1)
            func run() -> [Tensor<Float>] {
                let (values, indices) = maxPool2d(x, kernelSize: 3, stride: 2, padding: 1)
                return [values, maxPool2dBackward(gy, indices: indices, inputShape: x.shape),
                        avgPool2d(x, kernelSize: 3, stride: 2, padding: 1),
                        avgPool2dBackward(gy, inputShape: x.shape, kernelSize: 3, stride: 2, padding: 1),
                        adaptiveAvgPool2d(x, outputSize: 5), adaptiveAvgPool2dBackward(gy, inputShape: x.shape)]
            }
            let one = ConvolutionSamples.withThreadBudget(1, run)
            let two = ConvolutionSamples.withThreadBudget(2, run)
            for (a, b) in zip(one, two) { #expect(a == b) }
        }

        @Test func zeroSizeBatchAndChannels() {
            let empty = Tensor<Float>.zeros([0, 3, 6, 6])
            let (values, indices) = maxPool2d(empty, kernelSize: 2)
            #expect(values.shape == [0, 3, 3, 3] && indices.shape == [0, 3, 3, 3])
            #expect(maxPool2dBackward(values, indices: indices, inputShape: empty.shape).shape == [0, 3, 6, 6])
            #expect(avgPool2d(Tensor<Float>.zeros([2, 0, 6, 6]), kernelSize: 3, stride: 1).shape == [2, 0, 4, 4])
            #expect(adaptiveAvgPool2d(empty, outputSize: Spatial2d(2, 1)).shape == [0, 3, 2, 1])
        }
    }
}
