/// Joining tensors along an axis: concatenation and stacking.

extension Tensor {
    /// The tensors joined end to end along `axis`, like `torch.cat`.
    ///
    /// `result[…, offsetₖ + i, …] = tensors[k][…, i, …]` where `offsetₖ` is the summed axis size of
    /// the tensors before `k`.
    ///
    /// - Parameters:
    ///   - tensors: at least one tensor; all have the same rank and the same shape except along
    ///     `axis` (where sizes may differ, zero included).
    ///   - axis: the joining axis; negative values count from the end.
    /// - Returns: a contiguous tensor whose size along `axis` is the sum of the inputs' sizes.
    public static func concatenating(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenating: no tensors to join")
        let first = tensors[0]
        let axis = normalizedAxis(axis, rank: first.rank, op: "concatenating")
        var shape = first.shape
        shape[axis] = 0
        for tensor in tensors {
            var expected = first.shape
            expected[axis] = tensor.rank == first.rank ? tensor.shape[axis] : -1
            precondition(tensor.shape == expected,
                         "concatenating: shapes \(tensors.map(\.shape)) differ outside axis \(axis)")
            shape[axis] += tensor.shape[axis]
        }
        let result = Tensor(uninitializedShape: shape)
        var start = 0
        for tensor in tensors where tensor.shape[axis] > 0 {
            let window = result.sliced(axis: axis, from: start, to: start + tensor.shape[axis])
            copyElements(from: tensor, into: window)
            start += tensor.shape[axis]
        }
        return result
    }

    /// The tensors joined along a new axis, like `torch.stack`.
    ///
    /// `result[…, k, …] = tensors[k]`, with the new axis at position `axis`.
    ///
    /// - Parameters:
    ///   - tensors: at least one tensor, all of the same shape `S`.
    ///   - axis: the position of the new axis in the result, from `-(S.count + 1)` to `S.count`.
    /// - Returns: a contiguous tensor of shape `S` with `tensors.count` inserted at `axis`.
    public static func stacking(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stacking: no tensors to join")
        let shape = tensors[0].shape
        precondition(tensors.allSatisfy { $0.shape == shape },
                     "stacking: shapes \(tensors.map(\.shape)) differ")
        let position = normalizedAxis(axis, rank: shape.count + 1, op: "stacking")
        return concatenating(tensors.map { $0.unsqueezed(at: position) }, alongAxis: position)
    }
}
