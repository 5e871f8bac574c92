/// Walking a tensor one line at a time along an axis, for ops that work on whole lines (sort,
/// top-k, index-select): line `n` is the `n`-th element, in row-major order, of the shape with
/// that axis removed.
struct AxisLines {
    /// Number of lines, and elements per line.
    let lineCount: Int
    let lineLength: Int
    /// Distance between neighbours on a line.
    let lineStride: Int
    private let outerShape: [Int]
    private let outerStrides: [Int]
    private let offset: Int

    init(shape: [Int], strides: [Int], offset: Int, axis: Int) {
        var outerShape = shape, outerStrides = strides
        lineLength = outerShape.remove(at: axis)
        lineStride = outerStrides.remove(at: axis)
        lineCount = outerShape.reduce(1, *)
        self.outerShape = outerShape
        self.outerStrides = outerStrides
        self.offset = offset
    }

    /// The storage position of the first element of line `line`.
    @inline(__always)
    func start(ofLine line: Int) -> Int {
        var remainder = line, position = offset
        var axis = outerShape.count - 1
        while axis >= 0 {
            position += remainder % outerShape[axis] * outerStrides[axis]
            remainder /= outerShape[axis]
            axis -= 1
        }
        return position
    }
}
