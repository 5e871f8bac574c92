/// Creating tensors from nothing: constants, ranges, identity matrices.

extension Tensor {
    /// A tensor of `shape` with every element equal to `value`.
    public init(repeating value: Scalar, shape: [Int]) {
        self.init(uninitializedShape: shape)
        storage.base.initialize(repeating: value, count: count)
    }

    /// A tensor of zeros (`false` for masks).
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: Scalar.zeroValue, shape: shape) }

    /// A tensor of `value`s, like NumPy's `full`.
    public static func full(_ shape: [Int], _ value: Scalar) -> Tensor { Tensor(repeating: value, shape: shape) }

    /// A tensor with the shape of `other`, filled with `value`.
    public static func full(like other: Tensor, _ value: Scalar) -> Tensor { Tensor(repeating: value, shape: other.shape) }
}

extension Tensor where Scalar: NumericTensorElement {
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: Scalar.oneValue, shape: shape) }

    /// `start, start + step, …` up to but excluding `end`, like NumPy's `arange`.
    public static func arange(_ start: Int = 0, _ end: Int, step: Int = 1) -> Tensor {
        precondition(step != 0, "arange: step must not be zero")
        let count = Swift.max(0, (end - start + step + (step > 0 ? -1 : 1)) / step)
        return Tensor(shape: [count], scalars: (0..<count).map { Scalar(exactly: start + $0 * step) })
    }

    /// The `n × n` identity matrix (or `rows × columns` with ones on the main diagonal).
    public static func eye(_ rows: Int, columns: Int? = nil) -> Tensor {
        let columns = columns ?? rows
        let result = Tensor.zeros([rows, columns])
        for index in 0..<Swift.min(rows, columns) { result.storage.base[index * columns + index] = Scalar.oneValue }
        return result
    }
}

extension Tensor where Scalar: FloatingPointTensorElement {
    /// `count` evenly spaced values from `start` to `end` inclusive, computed in Double.
    public static func linspace(_ start: Double, _ end: Double, count: Int) -> Tensor {
        precondition(count >= 0, "linspace: negative count \(count)")
        let step = count > 1 ? (end - start) / Double(count - 1) : 0
        return Tensor(shape: [count], scalars: (0..<count).map { index in
            Scalar(index == count - 1 && count > 1 ? end : start + Double(index) * step)
        })
    }

    /// Evenly spaced floating-point values like NumPy's `arange` with a fractional step.
    public static func arange(_ start: Double, _ end: Double, step: Double) -> Tensor {
        precondition(step != 0, "arange: step must not be zero")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor(shape: [count], scalars: (0..<count).map { Scalar(start + Double($0) * step) })
    }
}
