/// Walking strided layouts row by row.
///
/// Every kernel that cannot take a contiguous fast path goes through here: the layouts of its
/// operands (already broadcast to one shape) are coalesced — neighbouring dimensions that are
/// contiguous with each other in *every* operand merge into one — and the kernel is handed one
/// row at a time: the start of the row in each operand and the stride along it.

/// The layouts of several operands that share one shape, coalesced for iteration.
public struct StridedRows {
    /// Number of rows and elements per row.
    public let rowCount: Int
    /// Number of elements in each row.
    public let rowLength: Int
    /// For each operand, the stride along a row.
    public let rowStrides: [Int]
    private let outerShape: [Int]
    private let outerStrides: [[Int]]  // [operand][outer axis]
    private let offsets: [Int]

    /// - Parameters: `shape` is shared; `strides[k]` and `offsets[k]` describe operand k.
    public init(shape: [Int], strides: [[Int]], offsets: [Int]) {
        // Drop size-1 dimensions, then merge axis i into i+1 when contiguous in every operand.
        var mergedShape: [Int] = []
        var mergedStrides: [[Int]] = Array(repeating: [], count: strides.count)
        for axis in 0..<shape.count where shape[axis] != 1 {
            if let last = mergedShape.last,
               strides.indices.allSatisfy({ strides[$0][axis] * shape[axis] == mergedStrides[$0].last! }) {
                mergedShape[mergedShape.count - 1] = last * shape[axis]
                for operand in strides.indices { mergedStrides[operand][mergedStrides[operand].count - 1] = strides[operand][axis] }
            } else {
                mergedShape.append(shape[axis])
                for operand in strides.indices { mergedStrides[operand].append(strides[operand][axis]) }
            }
        }
        if shape.contains(0) {
            mergedShape = [0]
            mergedStrides = Array(repeating: [1], count: strides.count)
        } else if mergedShape.isEmpty {
            mergedShape = [1]
            mergedStrides = Array(repeating: [1], count: strides.count)
        }
        rowLength = mergedShape.last!
        rowStrides = mergedStrides.map { $0.last! }
        outerShape = Array(mergedShape.dropLast())
        outerStrides = mergedStrides.map { Array($0.dropLast()) }
        rowCount = rowLength == 0 ? 0 : outerShape.reduce(1, *)
        self.offsets = offsets
    }

    /// Calls `body(row, starts)` for each row in `rows`, where `starts[k]` is the storage
    /// position of the row's first element in operand k.
    public func forEachRow(in rows: Range<Int>, _ body: (Int, UnsafeBufferPointer<Int>) -> Void) {
        guard !rows.isEmpty else { return }
        let operands = offsets.count
        let outerRank = outerShape.count
        withUnsafeTemporaryAllocation(of: Int.self, capacity: outerRank + operands) { scratch in
            let index = UnsafeMutableBufferPointer(rebasing: scratch[0..<outerRank])
            let starts = UnsafeMutableBufferPointer(rebasing: scratch[outerRank...])
            // Decompose the first row number into an index and compute the starts.
            var remainder = rows.lowerBound
            for axis in stride(from: outerRank - 1, through: 0, by: -1) {
                index[axis] = remainder % outerShape[axis]
                remainder /= outerShape[axis]
            }
            for operand in 0..<operands {
                var start = offsets[operand]
                for axis in 0..<outerRank { start += index[axis] * outerStrides[operand][axis] }
                starts[operand] = start
            }
            for row in rows {
                body(row, UnsafeBufferPointer(starts))
                // Advance the index like an odometer, updating the starts incrementally.
                var axis = outerRank - 1
                while axis >= 0 {
                    index[axis] += 1
                    for operand in 0..<operands { starts[operand] += outerStrides[operand][axis] }
                    if index[axis] < outerShape[axis] { break }
                    for operand in 0..<operands { starts[operand] -= outerStrides[operand][axis] * outerShape[axis] }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}

extension Tensor {
    /// Calls `body(position, count, stride)` for each row of this layout in row-major order.
    func forEachRow(_ body: (Int, Int, Int) -> Void) {
        let rows = StridedRows(shape: shape, strides: [strides], offsets: [offset])
        rows.forEachRow(in: 0..<rows.rowCount) { _, starts in
            body(starts[0], rows.rowLength, rows.rowStrides[0])
        }
    }
}
