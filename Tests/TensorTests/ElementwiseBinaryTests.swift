import Foundation
import Testing
import Tensor
import _TestSupport

/// pow, minimum, maximum, clamp, comparisons, mask logic and where.
@Suite struct ElementwiseBinaryTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture("elementwise", bundle: .module) }

    func checkBinaryAgainstNumPy<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type, relative: Double) {
        let a: Tensor<Scalar> = fixture.tensor("a")   // [3, 4]
        let b: Tensor<Scalar> = fixture.tensor("b")   // [4], broadcast along rows
        assertClose(Tensor.pow(a.abs() + 0.5, b), fixture.tensor("pow_ab"), relative: relative)
        assertClose(Tensor.pow(a, 3), fixture.tensor("pow_a_3"), relative: relative)
        assertClose(Tensor.pow(a.abs(), 0.5), fixture.tensor("pow_a_half"), relative: relative)
        assertClose(Tensor.minimum(a, b), fixture.tensor("minimum_ab"), absolute: 0, relative: 0)
        assertClose(Tensor.maximum(a, b), fixture.tensor("maximum_ab"), absolute: 0, relative: 0)
        assertClose(a.clamped(min: -1, max: 1.5), fixture.tensor("clamp_a"), absolute: 0, relative: 0)
        // The same with the operands transposed and broadcast from the other side.
        let aT = a.transposed(), bColumn = b.reshaped(to: [4, 1])
        assertClose(Tensor.minimum(aT, bColumn), fixture.tensor("minimum_ab").transposed(), absolute: 0, relative: 0)
        assertClose(Tensor.pow(aT.abs() + 0.5, bColumn), fixture.tensor("pow_ab").transposed(), relative: relative)
    }

    @Test func floatMatchesNumPy() { checkBinaryAgainstNumPy(Float.self, relative: 1e-6) }
    @Test func doubleMatchesNumPy() { checkBinaryAgainstNumPy(Double.self, relative: 1e-14) }

    @Test func powFollowsCConventions() {
        let base = Tensor<Double>([-2, -2, 0, -8, 4])
        let exponent = Tensor<Double>([3, 2, 0, 1.0 / 3, -0.5])
        let result = Tensor.pow(base, exponent).scalars
        #expect(Array(result[0...2]) == [-8, 4, 1])
        #expect(result[3].isNaN)
        #expect(result[4] == 0.5)
    }

    @Test func minimumAndMaximumPropagateNaN() {
        // Long enough to take the SIMD path, with NaN on either side.
        let lhs = Tensor<Float>((0..<16).map { $0 == 3 ? .nan : Float($0) })
        let rhs = Tensor<Float>((0..<16).map { $0 == 11 ? .nan : 7 })
        for result in [Tensor.minimum(lhs, rhs), Tensor.maximum(lhs, rhs)] {
            #expect(result.scalars[3].isNaN && result.scalars[11].isNaN)
            #expect(result.scalars.filter(\.isNaN).count == 2)
        }
        #expect(Tensor.minimum(lhs, rhs).scalars[15] == 7)
        #expect(Tensor.maximum(lhs, rhs).scalars[15] == 15)
        let clamped = Tensor<Float>([.nan, -5, 5, .infinity]).clamped(min: -1)
        #expect(clamped.scalars[0].isNaN)
        #expect(Array(clamped.scalars[1...]) == [-1, 5, .infinity])
    }

    @Test func comparisonsGiveMasks() {
        let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, .nan, 6])
        let limit = Tensor<Float>([2, 2, 5])
        #expect((x .< limit).scalars == [true, false, true, false, false, false])
        #expect((x .<= limit).scalars == [true, true, true, false, false, false])
        #expect((x .> 2).scalars == [false, false, true, true, false, true])
        #expect((x .>= 3).scalars == [false, false, true, true, false, true])
        #expect((x .== limit).scalars == [false, true, false, false, false, false])
        #expect((x .!= limit).scalars == [true, false, true, true, true, true])
        #expect((x.transposed() .> 2).scalars == [false, true, false, false, true, true])
        let labels = Tensor<Int>([0, 3, 2, 3])
        #expect((labels .== 3).scalars == [false, true, false, true])
        #expect((Tensor<Int32>([5, -1]) .< Tensor<Int32>([0])).scalars == [false, true])
    }

    @Test func maskLogic() {
        let p = Tensor<Bool>([true, true, false, false])
        let q = Tensor<Bool>([true, false, true, false])
        #expect((p .& q).scalars == [true, false, false, false])
        #expect((p .| q).scalars == [true, true, true, false])
        #expect((.!p).scalars == [false, false, true, true])
        #expect((p .== q).scalars == [true, false, false, true])
        #expect((p.reshaped(to: [4, 1]) .& q).shape == [4, 4])
    }

    @Test func whereBroadcastsAllThree() {
        let mask = Tensor<Bool>(shape: [2, 1], scalars: [true, false])
        let a = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor<Double>(-1)
        let chosen = Tensor.where(mask, a, b)
        #expect(chosen.shape == [2, 3])
        #expect(chosen.scalars == [1, 2, 3, -1, -1, -1])
        // Transposed operands and a stepped mask.
        let wide = Tensor<Bool>([true, false, false, false, true, false])
        let stepped = wide.sliced(axis: 0, from: 0, by: 2).unsqueezed(at: 1)   // [[true], [false], [true]]
        #expect(Tensor.where(stepped, a.transposed(), Tensor<Double>(0)).scalars == [1, 4, 0, 0, 3, 6])
        let x = Tensor<Float>([-2, 0.5, 3])
        #expect(Tensor.where(x .> 0, x, Tensor<Float>.zeros([3])).scalars == [0, 0.5, 3])
        #expect(Tensor.where(Tensor<Bool>.zeros([0, 2]), Tensor<Float>(1), Tensor<Float>(2)).shape == [0, 2])
    }

    @Test func zeroSizeDimensions() {
        let empty = Tensor<Float>.zeros([0, 3])
        #expect(Tensor.pow(empty, Tensor<Float>([1, 2, 3])).shape == [0, 3])
        #expect(Tensor.maximum(empty, Tensor<Float>(1)).shape == [0, 3])
        #expect((empty .< 1).shape == [0, 3])
        #expect(empty.clamped(min: 0, max: 1).shape == [0, 3])
    }

    @Test func resultsDoNotDependOnTheThreadCount() {
        let count = 100_001
        let x = Tensor<Float>(shape: [count], scalars: (0..<count).map { Float($0 % 97) * 0.1 - 4 })
        let y = Tensor<Float>(shape: [count], scalars: (0..<count).map { Float($0 % 89) * 0.05 - 2 })
        let saved = ThreadBudget.count
        defer { ThreadBudget.count = saved }
        func all() -> [Tensor<Float>] {
            [Tensor.pow(x.abs(), y), Tensor.minimum(x, y), x.clamped(min: -1, max: 1),
             Tensor.where(x .> y, x, y)]
        }
        ThreadBudget.count = 1
        let single = all()
        ThreadBudget.count = 2
        #expect(all() == single)
    }
}
