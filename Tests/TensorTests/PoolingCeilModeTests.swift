import Testing
import Tensor
import _TestSupport

extension ConvolutionAndPoolingTests {
    /// Max and average pooling with the output size rounded up, against PyTorch's
    /// `ceil_mode=True` (scripts/fixtures/pooling_ceil.py).
    @Suite struct PoolingCeilModeTests {
        let fixture: Fixture
        init() throws { fixture = try Fixture("pooling_ceil", bundle: .module) }

        @Test(arguments: [("max3s2", Spatial2d(3, 3), Spatial2d(0, 0), Spatial2d(1, 1)),
                          ("max3s2p1", Spatial2d(3, 3), Spatial2d(1, 1), Spatial2d(1, 1)),
                          ("max3s2p1d2", Spatial2d(2, 3), Spatial2d(1, 1), Spatial2d(2, 2)),
                          ("edgeMax2s2p1", Spatial2d(2, 2), Spatial2d(1, 1), Spatial2d(1, 1))])
        func maxPoolMatchesPyTorch(name: String, kernel: Spatial2d, padding: Spatial2d, dilation: Spatial2d) {
            let source: Tensor<Double> = fixture.tensor(name.hasPrefix("edge") ? "edge" : "x")
            for x in [source, source.transposed().contiguous().transposed()] {
                let (values, indices) = maxPool2d(x, kernelSize: kernel, stride: 2, padding: padding, dilation: dilation,
                                                  ceilMode: true)
                assertClose(values, fixture.tensor("\(name).y"), absolute: 0, relative: 0, "\(name) values")
                let expectedIndices: [Double] = fixture.entries["\(name).indices"]!.data
                #expect(indices.scalars.map { Double($0) } == expectedIndices, "\(name) indices")
                let gx = maxPool2dBackward(fixture.tensor("\(name).gy", as: Double.self), indices: indices, inputShape: x.shape)
                assertClose(gx, fixture.tensor("\(name).gx"), absolute: 1e-11, relative: 0, "\(name) gradient")
            }
        }

        @Test(arguments: [("avg3s2", Spatial2d(3, 3), Spatial2d(0, 0), true),
                          ("avg3s2p1", Spatial2d(3, 3), Spatial2d(1, 1), true),
                          ("avg3s2p1Exclude", Spatial2d(3, 3), Spatial2d(1, 1), false),
                          ("edgeAvg2s2p1", Spatial2d(2, 2), Spatial2d(1, 1), true)])
        func avgPoolMatchesPyTorch(name: String, kernel: Spatial2d, padding: Spatial2d, countIncludesPadding: Bool) {
            func check<Scalar: FloatingPointTensorElement>(_ x: Tensor<Scalar>, tolerance: Double) {
                let y = avgPool2d(x, kernelSize: kernel, stride: 2, padding: padding,
                                  countIncludesPadding: countIncludesPadding, ceilMode: true)
                assertClose(y, fixture.tensor("\(name).y"), absolute: tolerance, relative: tolerance, "\(name) forward")
                let gx = avgPool2dBackward(fixture.tensor("\(name).gy", as: Scalar.self), inputShape: x.shape,
                                           kernelSize: kernel, stride: 2, padding: padding,
                                           countIncludesPadding: countIncludesPadding, ceilMode: true)
                assertClose(gx, fixture.tensor("\(name).gx"), absolute: tolerance, relative: tolerance, "\(name) gradient")
            }
            let input = name.hasPrefix("edge") ? "edge" : "x"
            check(fixture.tensor(input, as: Double.self), tolerance: 1e-11)
            check(fixture.tensor(input, as: Float.self), tolerance: 1e-5)
        }

        @Test func roundingUpAddsOnlyWindowsThatStartInsideTheInput() {
            let x = Tensor<Float>.ones([1, 1, 7, 7])
            // Floor: ⌊(7 − 2) / 2⌋ + 1 = 3 windows; ceil: 4, the last one covering column 6 alone.
            #expect(maxPool2d(x, kernelSize: 2, ceilMode: false).values.shape == [1, 1, 3, 3])
            #expect(maxPool2d(x, kernelSize: 2, ceilMode: true).values.shape == [1, 1, 4, 4])
            // The partial corner window averages the one element it holds (clipped to the input).
            let corner = avgPool2d(Tensor<Double>.arange(0, 49).reshaped(to: [1, 1, 7, 7]), kernelSize: 2, ceilMode: true)
            #expect(corner.scalars.last == 48)
        }
    }
}
