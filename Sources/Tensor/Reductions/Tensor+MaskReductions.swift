/// Reductions of boolean masks: all, any, and the number of true elements.

extension Tensor where Scalar == Bool {
    /// The number of `true` elements over `axes` (`nil` or empty: all axes).
    public func trueCount(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor<Int> {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "trueCount")
        return layout.result(trueCountBuffer(layout))
    }

    /// Whether every element over `axes` is `true` (`true` over no elements).
    public func all(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor<Bool> {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "all")
        return layout.result(trueCountBuffer(layout).mapped { $0 == layout.reduced })
    }

    /// Whether any element over `axes` is `true` (`false` over no elements).
    public func any(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor<Bool> {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "any")
        return layout.result(trueCountBuffer(layout).mapped { $0 > 0 })
    }

    /// Counts along the middle axis of `[outer, reduced, inner]`, one result per thread in a fixed
    /// order (integer sums are exact anyway).
    private func trueCountBuffer(_ layout: ReductionLayout<Bool>) -> Tensor<Int> {
        let counts = Tensor<Int>(repeating: 0, shape: [layout.resultCount])
        guard layout.resultCount > 0 else { return counts }
        let (reduced, inner) = (layout.reduced, layout.inner)
        let base = layout.base, output = counts.storage.base
        parallelChunks(count: layout.outer, grain: Swift.max(1, reductionGrain / Swift.max(reduced * inner, 1))) { slabs in
            for slab in slabs {
                let target = output + slab * inner
                for row in 0..<reduced {
                    let line = base + (slab * reduced + row) * inner
                    for column in 0..<inner where line[column] { target[column] += 1 }
                }
            }
        }
        return withExtendedLifetime(layout.source) { counts }
    }
}

extension Tensor<Int> {
    /// A new tensor of this shape with `transform` applied to each element.
    fileprivate func mapped(_ transform: (Int) -> Bool) -> Tensor<Bool> {
        Tensor<Bool>(shape: shape, scalars: scalars.map(transform))
    }
}
