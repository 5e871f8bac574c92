import Foundation
import Testing
import Tensor
import _TestSupport

/// In-place compound assignment, integer arithmetic and conversion between element types.
@Suite struct ElementwiseAssignmentTests {
    @Test func compoundAssignmentWritesInPlaceWhenUnique() {
        // The buffer's address, not the storage object: holding a reference would make it shared.
        var x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let buffer = x.storage.base
        x += Tensor<Float>([10, 20, 30])            // broadcast along rows
        #expect(x.storage.base == buffer, "unique contiguous storage is updated in place")
        x -= 1
        #expect(x.storage.base == buffer)
        x *= Tensor<Float>(shape: [2, 1], scalars: [2, -1])
        #expect(x.storage.base == buffer)
        x /= 2
        #expect(x.storage.base == buffer)
        #expect(x.scalars == [10, 21, 32, -6.5, -12, -17.5])
        x += Tensor<Float>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]).transposed()   // strided rhs
        #expect(x.storage.base == buffer)
        #expect(x.scalars == [11, 24, 37, -4.5, -8, -11.5])
    }

    @Test func compoundAssignmentLeavesCopiesAlone() {
        var x = Tensor<Double>([1, 2, 3])
        let saved = x                                // shares storage, as a tape would
        x += Tensor<Double>([1, 1, 1])
        #expect(saved.scalars == [1, 2, 3])
        #expect(x.scalars == [2, 3, 4])
        #expect(x.storage !== saved.storage)
        // Updating a copy of the result again is in place once it is unique.
        let buffer = x.storage.base
        x *= 3
        #expect(x.storage.base == buffer)
        #expect(x.scalars == [6, 9, 12])
    }

    @Test func compoundAssignmentOnViewsCopies() {
        let base = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        var view = base.transposed()                 // [3, 2], not contiguous
        view += Tensor<Float>([100, 200])
        #expect(view.shape == [3, 2])
        #expect(view.scalars == [101, 204, 102, 205, 103, 206])
        #expect(base.scalars == [1, 2, 3, 4, 5, 6])
        var broadcast = Tensor<Float>([1, 2]).expanded(to: [2, 2])
        broadcast += Tensor<Float>(shape: [2, 2], scalars: [0, 0, 10, 10])
        #expect(broadcast.scalars == [1, 2, 11, 12])
        var stepped = Tensor<Double>([0, 1, 2, 3, 4, 5]).sliced(axis: 0, from: 1, by: 2)
        stepped -= Tensor<Double>(1)
        #expect(stepped.scalars == [0, 2, 4])
        var empty = Tensor<Float>.zeros([0, 4])
        empty += 1
        #expect(empty.shape == [0, 4])
    }

    @Test func inPlaceUpdateIsIndependentOfThreadCount() {
        let count = 150_001
        let start = Tensor<Float>(shape: [count], scalars: (0..<count).map { Float($0 % 101) * 0.3 })
        let step = Tensor<Float>(shape: [count], scalars: (0..<count).map { Float($0 % 7) - 3 })
        let saved = ThreadBudget.count
        defer { ThreadBudget.count = saved }
        var results: [Tensor<Float>] = []
        for threads in [1, 2] {
            ThreadBudget.count = threads
            var x = start.copied()
            x += step
            x *= 0.5
            results.append(x)
        }
        #expect(results[0] == results[1])
        #expect(results[0] == (start + step) * 0.5)
        #expect(start.scalars[1] == 0.3)
    }

    @Test func integerArithmeticBroadcastsAndWraps() {
        let x = Tensor<Int>(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect((x + Tensor<Int>([10, 20])).scalars == [11, 22, 13, 24])
        #expect((x - 1).scalars == [0, 1, 2, 3])
        #expect((2 * x.transposed()).scalars == [2, 6, 4, 8])
        #expect((Tensor<Int32>([.max]) + 1).scalars == [.min])
        #expect((Tensor<Int32>([3, -4]) * Tensor<Int32>([-2])).scalars == [-6, 8])
        #expect((Tensor<Int>.zeros([0]) + 1).shape == [0])
    }

    @Test func conversionBetweenElementTypes() {
        let labels = Tensor<Int>(shape: [2, 2], scalars: [0, 1, -7, 1 << 40])
        #expect(Tensor<Float>(converting: labels).scalars == [0, 1, -7, 1_099_511_627_776])
        #expect(Tensor<Double>(converting: labels.transposed()).scalars == [0, -7, 1, 1_099_511_627_776])
        #expect(Tensor<Int32>(converting: Tensor<Int>([5, -5])).scalars == [5, -5])
        let mask = Tensor<Bool>([true, false, true])
        #expect(Tensor<Float>(converting: mask).scalars == [1, 0, 1])
        #expect(Tensor<Int>(converting: mask).scalars == [1, 0, 1])
        #expect(Tensor<Int>(converting: Tensor<Float>([2.7, -2.7, 0.2])).scalars == [2, -2, 0])
        #expect(Tensor<Bool>(converting: Tensor<Double>([0, -0.0, 3, .nan])).scalars == [false, false, true, true])
        let precise = Tensor<Double>([0.1, 1e300])
        let single = Tensor<Float>(converting: precise)
        #expect(single.scalars == [0.1, .infinity])
        #expect(Tensor<Double>(converting: single).scalars == [Double(Float(0.1)), .infinity])
        #expect(Tensor<Float>(converting: Tensor<Int>([16_777_217])).scalars == [16_777_216])
        #expect(Tensor<Float>(converting: Tensor<Int>.zeros([3, 0])).shape == [3, 0])
    }
}
