/// Largest and smallest elements: their values over any axes, and their positions along one.
///
/// NaN propagates like in NumPy and PyTorch: a slice holding NaN has maximum and minimum NaN,
/// and its arg-max and arg-min point at the first NaN. Ties go to the first occurrence.

extension Tensor where Scalar: FloatingPointTensorElement {
    /// The largest element over `axes`: `max x`.
    ///
    /// - Precondition: the reduced axes are not empty (a maximum of nothing is undefined).
    public func max(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "max")
        precondition(layout.reduced > 0 || layout.resultCount == 0,
                     "max: cannot reduce shape \(shape) over zero-size axes \(axes ?? [])")
        return layout.result(reduce(layout, .maximum))
    }

    /// The smallest element over `axes`: `min x`.
    ///
    /// - Precondition: the reduced axes are not empty.
    public func min(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "min")
        precondition(layout.reduced > 0 || layout.resultCount == 0,
                     "min: cannot reduce shape \(shape) over zero-size axes \(axes ?? [])")
        return layout.result(reduce(layout, .minimum))
    }

    /// The index of the largest element along `axis` (of the flattened tensor when `nil`),
    /// the first one on ties: `argmax x`.
    public func argmax(alongAxis axis: Int? = nil, keepingDimensions: Bool = false) -> Tensor<Int> {
        extremum(alongAxis: axis, keepingDimensions: keepingDimensions, largest: true, op: "argmax").indices
    }

    /// The index of the smallest element along `axis` (of the flattened tensor when `nil`),
    /// the first one on ties: `argmin x`.
    public func argmin(alongAxis axis: Int? = nil, keepingDimensions: Bool = false) -> Tensor<Int> {
        extremum(alongAxis: axis, keepingDimensions: keepingDimensions, largest: false, op: "argmin").indices
    }

    /// The largest elements along `axis` and their indices (the first one on ties), like
    /// PyTorch's `max(dim:)`; both have the input's shape without `axis`.
    public func max(alongAxis axis: Int, keepingDimensions: Bool = false) -> (values: Tensor, indices: Tensor<Int>) {
        extremum(alongAxis: axis, keepingDimensions: keepingDimensions, largest: true, op: "max")
    }

    /// The smallest elements along `axis` and their indices (the first one on ties).
    public func min(alongAxis axis: Int, keepingDimensions: Bool = false) -> (values: Tensor, indices: Tensor<Int>) {
        extremum(alongAxis: axis, keepingDimensions: keepingDimensions, largest: false, op: "min")
    }

    private func extremum(alongAxis axis: Int?, keepingDimensions: Bool, largest: Bool,
                          op: StaticString) -> (values: Tensor, indices: Tensor<Int>) {
        guard let axis else {
            let flat = reshaped(to: [count]).extremum(alongAxis: 0, keepingDimensions: false, largest: largest, op: op)
            let shape = keepingDimensions ? [Int](repeating: 1, count: rank) : []
            return (flat.values.reshaped(to: shape), flat.indices.reshaped(to: shape))
        }
        let layout = ReductionLayout(self, axes: [normalizedAxis(axis, rank: rank, op: op)],
                                     keepingDimensions: keepingDimensions, op: op)
        precondition(layout.reduced > 0 || layout.resultCount == 0,
                     "\(op): cannot reduce shape \(shape) along zero-size axis \(axis)")
        let (values, indices) = extremumBuffers(layout, largest: largest)
        return (layout.result(values), layout.result(indices))
    }
}

/// Arg-max (or arg-min) along the middle axis of `[outer, reduced, inner]`: values and indices.
///
/// Scalar loops: arg-reductions are rare next to sums and softmax. Rows are split across threads;
/// each result is computed by one thread in a fixed order.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func extremumBuffers<Scalar: FloatingPointTensorElement>(
    _ layout: ReductionLayout<Scalar>, largest: Bool
) -> (Tensor<Scalar>, Tensor<Int>) {
    let values = Tensor<Scalar>(uninitializedShape: [layout.resultCount])
    let indices = Tensor<Int>(uninitializedShape: [layout.resultCount])
    guard layout.resultCount > 0 else { return (values, indices) }
    let (outer, reduced, inner) = (layout.outer, layout.reduced, layout.inner)
    let base = layout.base, bestValues = values.storage.base, bestIndices = indices.storage.base
    // `candidate` replaces `best` when strictly better, or the first NaN.
    @inline(__always) func better(_ candidate: Scalar, _ best: Scalar) -> Bool {
        if best.isNaN { return false }
        return candidate.isNaN || (largest ? candidate > best : candidate < best)
    }
    parallelChunks(count: outer, grain: Swift.max(1, reductionGrain / (reduced * inner))) { slabs in
        if inner == 1 {
            // Along the last axis (class scores, say): the running best stays in registers
            // instead of being stored back for every element (one thread, [1024, 1024]: 0.7–0.9
            // → 1.9 GB/s); the same comparisons in the same order, so the same results.
            for slab in slabs {
                let row = base + slab * reduced
                var best = row[0], bestIndex = 0
                for column in 1..<Swift.max(reduced, 1) where better(row[column], best) {
                    best = row[column]
                    bestIndex = column
                }
                bestValues[slab] = best
                bestIndices[slab] = bestIndex
            }
            return
        }
        for slab in slabs {
            let source = base + slab * reduced * inner
            let value = bestValues + slab * inner, index = bestIndices + slab * inner
            value.update(from: source, count: inner)
            index.initialize(repeating: 0, count: inner)
            for row in 1..<Swift.max(reduced, 1) {
                let line = source + row * inner
                for column in 0..<inner where better(line[column], value[column]) {
                    value[column] = line[column]
                    index[column] = row
                }
            }
        }
    }
    return withExtendedLifetime(layout.source) { (values, indices) }
}
