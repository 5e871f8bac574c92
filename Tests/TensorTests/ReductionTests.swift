import Foundation
import Testing
import Tensor
import _TestSupport

/// `x` (NumPy's [3, 4, 5]) in three layouts: contiguous, a permuted view of transposed storage,
/// and a strided slice (step 2) of a larger tensor.
func reductionInputs<Scalar: FloatingPointTensorElement>(_ fixture: Fixture, as type: Scalar.Type) -> [(String, Tensor<Scalar>)] {
    let x: Tensor<Scalar> = fixture.tensor("x")
    let permuted = x.permuted([2, 0, 1]).contiguous().permuted([1, 2, 0])
    var wide = Tensor<Scalar>.zeros([3, 8, 5])
    for i in 0..<3 { for j in 0..<4 { for k in 0..<5 { wide[i, 2 * j, k] = x[i, j, k] } } }
    let strided = wide.sliced(axis: 1, by: 2)
    return [("contiguous", x), ("permuted", permuted), ("strided", strided)]
}

@Suite struct ReductionTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture("reductions", bundle: .module) }

    func checkAgainstNumPy<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type, relative: Double) {
        let cases: [(String, (Tensor<Scalar>) -> Tensor<Scalar>)] = [
            ("sum_all", { $0.sum() }), ("sum_0", { $0.sum(alongAxes: [0]) }), ("sum_1", { $0.sum(alongAxes: [1]) }),
            ("sum_m1", { $0.sum(alongAxes: [-1]) }), ("sum_02", { $0.sum(alongAxes: [0, 2]) }),
            ("sum_12", { $0.sum(alongAxes: [2, -2]) }), ("sum_01", { $0.sum(alongAxes: [0, 1]) }),
            ("mean_1", { $0.mean(alongAxes: [1]) }), ("mean_02", { $0.mean(alongAxes: [0, 2]) }),
            ("var0_02", { $0.variance(alongAxes: [0, 2], correction: 0) }),
            ("var1_1", { $0.variance(alongAxes: [1]) }),
            ("std1_m1", { $0.standardDeviation(alongAxes: [-1], correction: 1) }),
            ("prod_2", { (1 + Scalar(0.1) * $0).product(alongAxes: [2]) }),
            ("max_1", { $0.max(alongAxes: [1]) }), ("max_02", { $0.max(alongAxes: [0, 2]) }),
            ("min_all", { $0.min() }), ("min_0", { $0.min(alongAxes: [0]) }),
            ("max_1", { $0.max(alongAxis: 1).values }),
            ("logsumexp_2", { $0.logSumExp(alongAxes: [2]) }), ("logsumexp_01", { $0.logSumExp(alongAxes: [0, 1]) }),
            ("norm1_2", { $0.norm(order: 1, alongAxes: [2]) }), ("norm2_02", { $0.norm(alongAxes: [0, 2]) }),
            ("norm3_1", { $0.norm(order: 3, alongAxes: [1]) }), ("norminf_2", { $0.norm(order: .infinity, alongAxes: [2]) }),
            ("normminf_0", { $0.norm(order: -.infinity, alongAxes: [0]) }),
        ]
        for (layout, x) in reductionInputs(fixture, as: Scalar.self) {
            for (key, op) in cases {
                assertClose(op(x), fixture.tensor(key), absolute: 1e-5, relative: relative, "\(key), \(layout) \(Scalar.self)")
            }
            let indexCases: [(String, Tensor<Int>)] = [
                ("argmax_1", x.argmax(alongAxis: 1)), ("argmax_2", x.argmax(alongAxis: -1)),
                ("argmin_0", x.argmin(alongAxis: 0)), ("argmax_all", x.argmax()),
                ("argmax_1", x.max(alongAxis: 1).indices),
            ]
            for (key, indices) in indexCases {
                let expected = fixture.entries[key]!
                #expect(indices.shape == expected.shape, "\(key), \(layout)")
                #expect(indices.scalars == expected.data.map { Int($0) }, "\(key), \(layout)")
            }
        }
    }

    /// A contiguous tensor reduced over all its axes takes a short plan; it must agree bit for bit
    /// with the general plan, which the same reduction reaches when its axes are listed, in
    /// values and in shapes.
    @Test func fullReductionsOfContiguousTensorsMatchTheGeneralPlan() {
        var generator = PhiloxGenerator(seed: 3)
        for shape in [[16], [1, 7, 1], [5, 1, 33], [2, 3, 4, 5], [1], []] {
            let x = Tensor<Float>.uniform(shape, low: -1, high: 1, using: &generator)
            let everyAxis = Array(0..<x.rank)
            for keeping in [false, true] {
                let fast = x.sum(keepingDimensions: keeping)
                let general = x.sum(alongAxes: everyAxis, keepingDimensions: keeping)
                #expect(fast.shape == general.shape, "\(shape) keeping: \(keeping)")
                #expect(fast.scalars == general.scalars, "\(shape) keeping: \(keeping)")
                #expect(x.sum(alongAxes: [], keepingDimensions: keeping).scalars == fast.scalars)
                #expect(x.mean(keepingDimensions: keeping).scalars == x.mean(alongAxes: everyAxis, keepingDimensions: keeping).scalars)
            }
        }
        #expect(Tensor<Float>.zeros([0, 3]).sum().scalars == [0])
    }

    @Test func floatMatchesNumPy() { checkAgainstNumPy(Float.self, relative: 1e-5) }
    @Test func doubleMatchesNumPy() { checkAgainstNumPy(Double.self, relative: 1e-8) }

    @Test func countOfNonzeroNorm() {
        let x: Tensor<Double> = fixture.tensor("x")
        let rounded = Tensor<Double>(shape: x.shape, scalars: x.scalars.map { $0.rounded() })
        #expect(rounded.norm(order: 0).scalar == fixture.entries["norm0_all"]!.data[0])
    }

    @Test func keepingDimensionsLeavesSizeOneAxes() {
        let x: Tensor<Float> = fixture.tensor("x")
        let kept = x.sum(alongAxes: [0, 2], keepingDimensions: true)
        #expect(kept.shape == [1, 4, 1])
        assertClose(kept.reshaped(to: [4]), fixture.tensor("sum_02"))
        #expect(x.max(alongAxis: -1, keepingDimensions: true).indices.shape == [3, 4, 1])
        #expect(x.argmax(keepingDimensions: true).shape == [1, 1, 1])
        #expect(x.variance(alongAxes: [1], keepingDimensions: true).shape == [3, 1, 5])
        // The result broadcasts back against the input: x − mean has zero mean.
        let centered = x - x.mean(alongAxes: [1], keepingDimensions: true)
        assertClose(centered.mean(alongAxes: [1]), Tensor.zeros([3, 5]), absolute: 1e-6)
    }

    @Test func broadcastInputs() {
        let grid = Tensor<Float>([1, 2, 3]).expanded(to: [4, 3])
        #expect(grid.sum(alongAxes: [0]) == Tensor([4, 8, 12]))
        #expect(grid.sum(alongAxes: [1]) == Tensor([6, 6, 6, 6]))
        #expect(grid.max(alongAxes: [1]) == Tensor([3, 3, 3, 3]))
        #expect(grid.argmin(alongAxis: 0) == Tensor<Int>(shape: [3], scalars: [0, 0, 0]))
        #expect(grid.variance(alongAxes: [0]) == Tensor([0, 0, 0]))
    }

    @Test func zeroSizeDimensions() {
        let empty = Tensor<Float>.zeros([0, 3])
        #expect(empty.sum(alongAxes: [0]) == Tensor([0, 0, 0]))
        #expect(empty.sum().shape == [] && empty.sum().scalar == 0)
        #expect(empty.product(alongAxes: [0]) == Tensor([1, 1, 1]))
        #expect(empty.mean(alongAxes: [0]).scalars.allSatisfy { $0.isNaN })
        #expect(empty.sum(alongAxes: [1]).shape == [0])
        #expect(empty.max(alongAxes: [1]).shape == [0])
        #expect(empty.argmax(alongAxis: 1).shape == [0])
        #expect(empty.logSumExp(alongAxes: [0]) == Tensor([-.infinity, -.infinity, -.infinity]))
        #expect(empty.sum(alongAxes: [0], keepingDimensions: true).shape == [1, 3])
    }

    @Test func maxOfNothingStops() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor<Float>.zeros([0, 3]).max(alongAxes: [0])
        }
    }

    @Test func nanPropagatesAndTiesGoFirst() {
        let x = Tensor<Float>(shape: [2, 4], scalars: [1, .nan, 3, .nan, 5, 2, 5, 1])
        #expect(x.max(alongAxes: [1])[0].isNaN)
        #expect(x.min(alongAxes: [1])[0].isNaN)
        #expect(x.argmax(alongAxis: 1) == Tensor<Int>(shape: [2], scalars: [1, 0]))
        #expect(x.argmin(alongAxis: 1) == Tensor<Int>(shape: [2], scalars: [1, 3]))
        #expect(x.max(alongAxes: [1])[1] == 5)
    }

    /// NaN wins in the vector loops too (rows, columns, and the padded tails), in both precisions.
    func checkNaNInVectorLoops<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) {
        for (position, length) in [(5, 100), (97, 100), (40, 64)] {
            var values = (0..<(3 * length)).map { Scalar(Double($0 % 17) - 8) }
            values[length + position] = .nan
            let rows = Tensor<Scalar>(shape: [3, length], scalars: values)
            let columns = rows.transposed().contiguous()
            for x in [rows.max(alongAxes: [1]), rows.min(alongAxes: [1]), rows.norm(order: .infinity, alongAxes: [1]),
                      columns.max(alongAxes: [0]), columns.min(alongAxes: [0])] {
                #expect(!x[0].isNaN && x[1].isNaN && !x[2].isNaN, "NaN at \(position) of \(length): \(x)")
            }
            #expect(rows.max(alongAxes: [1])[0] == 8 && rows.min(alongAxes: [1])[2] == -8)
        }
    }

    @Test func nanPropagatesInVectorLoopsFloat() { checkNaNInVectorLoops(Float.self) }
    @Test func nanPropagatesInVectorLoopsDouble() { checkNaNInVectorLoops(Double.self) }

    @Test func rankZeroAndSizeOneAxes() {
        #expect(Tensor<Double>(2.5).sum().scalar == 2.5)
        let column = Tensor<Double>(shape: [3, 1], scalars: [1, 2, 3])
        #expect(column.sum(alongAxes: [1]) == Tensor([1, 2, 3]))
        #expect(column.sum(alongAxes: [0]) == Tensor(shape: [1], scalars: [6]))
    }

    @Test func masks() {
        let mask = Tensor<Bool>(shape: [2, 3], scalars: [true, false, true, true, true, true])
        #expect(mask.trueCount() == Tensor<Int>(shape: [], scalars: [5]))
        #expect(mask.trueCount(alongAxes: [0]) == Tensor<Int>(shape: [3], scalars: [2, 1, 2]))
        #expect(mask.all(alongAxes: [1]) == Tensor<Bool>(shape: [2], scalars: [false, true]))
        #expect(mask.any(alongAxes: [0]) == Tensor<Bool>(shape: [3], scalars: [true, true, true]))
        #expect(mask.transposed().trueCount(alongAxes: [1]) == Tensor<Int>(shape: [3], scalars: [2, 1, 2]))
        let empty = Tensor<Bool>.zeros([0, 2])
        #expect(empty.all(alongAxes: [0]) == Tensor<Bool>(shape: [2], scalars: [true, true]))
        #expect(empty.any(alongAxes: [0]) == Tensor<Bool>(shape: [2], scalars: [false, false]))
    }
}
