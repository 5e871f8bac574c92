/// Views: new layouts over the same storage. None of these copies an element.

extension Tensor {
    /// The same elements in a new shape; one dimension may be `-1` (inferred).
    ///
    /// A view when the layout allows it (always for contiguous tensors); otherwise a copy, like
    /// PyTorch's `reshape`.
    public func reshaped(to newShape: [Int]) -> Tensor {
        let shape = resolvedShape(newShape)
        if let strides = viewStrides(for: shape) {
            return Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
        }
        return copied().reshaped(to: shape)
    }

    private func resolvedShape(_ newShape: [Int]) -> [Int] {
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        precondition(inferred.count <= 1, "reshaped: more than one -1 in \(newShape)")
        precondition(newShape.allSatisfy { $0 >= -1 }, "reshaped: negative dimension in \(newShape)")
        var shape = newShape
        if let axis = inferred.first {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            precondition(known != 0 && count % known == 0,
                         "reshaped: cannot reshape \(self.shape) (\(count) elements) into \(newShape)")
            shape[axis] = count / known
        }
        precondition(shape.reduce(1, *) == count,
                     "reshaped: cannot reshape \(self.shape) (\(count) elements) into \(newShape)")
        return shape
    }

    /// Strides that show this tensor's elements in `newShape` without copying, if they exist.
    /// Groups of old dimensions that are contiguous among themselves map onto groups of new ones.
    private func viewStrides(for newShape: [Int]) -> [Int]? {
        if isContiguous { return Tensor.contiguousStrides(for: newShape) }
        let old = zip(shape, strides).filter { $0.0 != 1 }
        var result = [Int](repeating: 0, count: newShape.count)
        var oldIndex = 0
        var newIndex = 0
        while newIndex < newShape.count {
            if newShape[newIndex] == 1 { result[newIndex] = 1; newIndex += 1; continue }
            guard oldIndex < old.count else { return nil }
            // Take old dimensions until their product can be matched by new ones.
            var oldProduct = old[oldIndex].0
            var groupEnd = oldIndex
            var newProduct = newShape[newIndex]
            var newEnd = newIndex
            while oldProduct != newProduct {
                if oldProduct < newProduct {
                    groupEnd += 1
                    guard groupEnd < old.count else { return nil }
                    // The old group must be contiguous among itself to be re-split.
                    guard old[groupEnd - 1].1 == old[groupEnd].1 * old[groupEnd].0 else { return nil }
                    oldProduct *= old[groupEnd].0
                } else {
                    newEnd += 1
                    guard newEnd < newShape.count else { return nil }
                    newProduct *= newShape[newEnd]
                }
            }
            // Assign strides to new dims newIndex...newEnd from the innermost old stride.
            var running = old[groupEnd].1
            for axis in stride(from: newEnd, through: newIndex, by: -1) {
                result[axis] = running
                running *= newShape[axis]
            }
            oldIndex = groupEnd + 1
            newIndex = newEnd + 1
        }
        return oldIndex == old.count ? result : nil
    }

    /// All dimensions from `startAxis` through `endAxis` merged into one.
    public func flattened(from startAxis: Int = 0, through endAxis: Int = -1) -> Tensor {
        if rank == 0 { return reshaped(to: [1]) }
        let start = normalizedAxis(startAxis, rank: rank, op: "flattened")
        let end = normalizedAxis(endAxis, rank: rank, op: "flattened")
        precondition(start <= end, "flattened: start axis \(startAxis) is after end axis \(endAxis)")
        let merged = shape[start...end].reduce(1, *)
        return reshaped(to: Array(shape[..<start]) + [merged] + Array(shape[(end + 1)...]))
    }

    /// The dimensions reordered: result axis i is input axis `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.count == rank && Set(order.map { normalizedAxis($0, rank: rank, op: "permuted") }).count == rank,
                     "permuted: \(order) is not a permutation of the axes of shape \(shape)")
        let axes = order.map { normalizedAxis($0, rank: rank, op: "permuted") }
        return Tensor(storage: storage, shape: axes.map { shape[$0] }, strides: axes.map { strides[$0] }, offset: offset)
    }

    /// Two axes swapped (by default the last two, the matrix transpose).
    public func transposed(_ first: Int = -2, _ second: Int = -1) -> Tensor {
        if rank < 2 { return self }
        let a = normalizedAxis(first, rank: rank, op: "transposed")
        let b = normalizedAxis(second, rank: rank, op: "transposed")
        var order = Array(0..<rank)
        order.swapAt(a, b)
        return permuted(order)
    }

    /// A new dimension of size 1 inserted at `axis` (which may be `rank`).
    public func unsqueezed(at axis: Int) -> Tensor {
        let position = normalizedAxis(axis, rank: rank + 1, op: "unsqueezed")
        var newShape = shape, newStrides = strides
        let stride = position < rank ? shape[position] * strides[position] : 1
        newShape.insert(1, at: position)
        newStrides.insert(stride, at: position)
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset)
    }

    /// Size-1 dimensions removed: all of them, or only those in `axes` (which must have size 1).
    public func squeezed(axes: [Int]? = nil) -> Tensor {
        let removed: Set<Int>
        if let axes {
            removed = Set(axes.map { normalizedAxis($0, rank: rank, op: "squeezed") })
            for axis in removed {
                precondition(shape[axis] == 1, "squeezed: axis \(axis) of shape \(shape) has size \(shape[axis]), not 1")
            }
        } else {
            removed = Set(shape.indices.filter { shape[$0] == 1 })
        }
        let kept = shape.indices.filter { !removed.contains($0) }
        return Tensor(storage: storage, shape: kept.map { shape[$0] }, strides: kept.map { strides[$0] }, offset: offset)
    }

    /// A view broadcast to `newShape` under NumPy's rules; repeated elements get stride 0.
    public func expanded(to newShape: [Int]) -> Tensor {
        precondition(newShape.count >= rank, "expanded: cannot expand shape \(shape) to lower rank \(newShape)")
        let lead = newShape.count - rank
        var newStrides = [Int](repeating: 0, count: newShape.count)
        for axis in 0..<rank {
            let target = newShape[lead + axis]
            if shape[axis] == target {
                newStrides[lead + axis] = strides[axis]
            } else {
                precondition(shape[axis] == 1, "expanded: cannot expand shape \(shape) to \(newShape)")
            }
        }
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset)
    }

    /// Elements `range` (stepping by `step`) along `axis`. Negative bounds count from the end.
    public func sliced(axis: Int, from start: Int = 0, to end: Int? = nil, by step: Int = 1) -> Tensor {
        let axis = normalizedAxis(axis, rank: rank, op: "sliced")
        precondition(step > 0, "sliced: step \(step) must be positive")
        let size = shape[axis]
        func clamp(_ bound: Int) -> Int { Swift.min(Swift.max(bound < 0 ? bound + size : bound, 0), size) }
        let lower = clamp(start)
        let upper = Swift.max(lower, clamp(end ?? size))
        var newShape = shape, newStrides = strides
        newShape[axis] = (upper - lower + step - 1) / step
        newStrides[axis] = strides[axis] * step
        return Tensor(storage: storage, shape: newShape, strides: newStrides,
                      offset: offset + (newShape[axis] > 0 ? lower * strides[axis] : 0))
    }

    /// The sub-tensor at `index` along `axis`, with that axis removed.
    public func selecting(_ index: Int, alongAxis axis: Int = 0) -> Tensor {
        let axis = normalizedAxis(axis, rank: rank, op: "selecting")
        let resolved = index < 0 ? index + shape[axis] : index
        precondition(resolved >= 0 && resolved < shape[axis],
                     "selecting: index \(index) out of range for axis \(axis) of shape \(shape)")
        var newShape = shape, newStrides = strides
        newShape.remove(at: axis)
        newStrides.remove(at: axis)
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset + resolved * strides[axis])
    }

    /// Slicing with Swift ranges, one per leading dimension: `x[0..<2, 1...]`.
    public subscript(ranges: any RangeExpression<Int>...) -> Tensor {
        precondition(ranges.count <= rank, "subscript: \(ranges.count) ranges for shape \(shape)")
        var result = self
        for (axis, range) in ranges.enumerated() {
            let bounds = range.relative(to: 0..<shape[axis])
            result = result.sliced(axis: axis, from: bounds.lowerBound, to: bounds.upperBound)
        }
        return result
    }
}
