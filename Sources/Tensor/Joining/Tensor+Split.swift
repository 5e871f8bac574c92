/// Splitting a tensor along an axis into views.

extension Tensor {
    /// Consecutive pieces along `axis` with the given sizes, like `torch.split` with a list.
    ///
    /// Piece `k` is `self[…, offsetₖ ..< offsetₖ + sizes[k], …]`, a view that copies nothing.
    ///
    /// - Parameters:
    ///   - sizes: non-negative sizes that add up to the size of `axis`.
    ///   - axis: the axis to split; negative values count from the end.
    /// - Returns: `sizes.count` views with the shape of `self` except along `axis`.
    public func split(sizes: [Int], alongAxis axis: Int = 0) -> [Tensor] {
        let axis = normalizedAxis(axis, rank: rank, op: "split")
        precondition(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[axis],
                     "split: sizes \(sizes) do not add up to \(shape[axis]), the size of axis \(axis) of shape \(shape)")
        var pieces: [Tensor] = []
        pieces.reserveCapacity(sizes.count)
        var start = 0
        for size in sizes {
            pieces.append(sliced(axis: axis, from: start, to: start + size))
            start += size
        }
        return pieces
    }

    /// At most `count` views of equal size along `axis`, like `torch.chunk`.
    ///
    /// Each piece has `⌈n / count⌉` elements along the axis of size `n` except the last, which
    /// holds the rest; so fewer than `count` pieces come back when `n` is not large enough
    /// (`n = 5, count = 4` gives sizes `[2, 2, 1]`), and none when `n = 0`.
    ///
    /// - Parameters:
    ///   - count: the number of pieces wanted, at least 1.
    ///   - axis: the axis to split; negative values count from the end.
    /// - Returns: views that copy nothing, in order along `axis`.
    public func chunked(into count: Int, alongAxis axis: Int = 0) -> [Tensor] {
        let axis = normalizedAxis(axis, rank: rank, op: "chunked")
        precondition(count >= 1, "chunked: count \(count) must be at least 1 (shape \(shape))")
        let size = shape[axis]
        let pieceSize = (size + count - 1) / count
        guard pieceSize > 0 else { return [] }
        let sizes = stride(from: 0, to: size, by: pieceSize).map { Swift.min(pieceSize, size - $0) }
        return split(sizes: sizes, alongAxis: axis)
    }
}
