/// Writing into a region of a tensor given by a view: the inverse of slicing, used by the
/// gradients of views (a slice's gradient is zeros with the incoming gradient written in place).

extension Tensor {
    /// Writes `values` (broadcast to the region's shape) into the elements that `region` selects.
    ///
    /// `region` must build a view of the tensor it is given (slices, transposes, selections …)
    /// without copying: `x.assign(g, into: { $0.sliced(axis: 1, from: 2, to: 5) })`.
    public mutating func assign(_ values: Tensor, into region: (Tensor) -> Tensor) {
        if !isContiguous { self = copied() }
        ensureUniqueStorage()
        let view = region(self)
        precondition(view.storage === storage, "assign: the region must be a view of the tensor, not a copy")
        let source = values.shape == view.shape ? values : values.expanded(to: view.shape)
        let rows = StridedRows(shape: view.shape, strides: [view.strides, source.strides],
                               offsets: [view.offset, source.offset])
        let destination = storage.base, input = source.storage.base
        let length = rows.rowLength, destinationStride = rows.rowStrides[0], sourceStride = rows.rowStrides[1]
        rows.forEachRow(in: 0..<rows.rowCount) { _, starts in
            for index in 0..<length {
                destination[starts[0] + index * destinationStride] = input[starts[1] + index * sourceStride]
            }
        }
        withExtendedLifetime(source) {}
    }
}
