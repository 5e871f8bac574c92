/// Masked fill and one-hot encoding.

extension Tensor {
    /// A copy with `value` wherever `mask` is true, like `torch.masked_fill`.
    ///
    /// `result[i] = mask[i] ? value : self[i]`, with `mask` broadcast to `self`'s shape (an
    /// attention mask of shape `[T, T]` over scores of shape `[B, H, T, T]`, say).
    ///
    /// - Parameters:
    ///   - mask: a mask that broadcasts to `self.shape` under NumPy's rules.
    ///   - value: the value written where the mask is true.
    /// - Returns: a contiguous tensor of `self`'s shape.
    public func maskedFill(where mask: Tensor<Bool>, with value: Scalar) -> Tensor {
        precondition(broadcastShape(shape, mask.shape, op: "maskedFill") == shape,
                     "maskedFill: mask of shape \(mask.shape) does not broadcast to input of shape \(shape)")
        return fillMasked(self, mask: mask, value: value)
    }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Int)
@_specialize(where Scalar == Int32)
@_specialize(where Scalar == Bool)
func fillMasked<Scalar: TensorElement>(_ input: Tensor<Scalar>, mask: Tensor<Bool>, value: Scalar) -> Tensor<Scalar> {
    applying(input, mask, op: "maskedFill") { source, sourceStride, mask, maskStride, destination, count in
        for index in 0..<count {
            destination[index] = mask[index * maskStride] ? value : source[index * sourceStride]
        }
    }
}

extension Tensor where Scalar == Int {
    /// Class labels as one-hot vectors, like `torch.nn.functional.one_hot`.
    ///
    /// `result[…, c] = (self[…] == c) ? 1 : 0`.
    ///
    /// - Parameters:
    ///   - classes: the number of classes; every label must lie in `0 ..< classes`.
    ///   - type: the element type of the result (`Float` unless given; a type annotation alone does not change it).
    /// - Returns: a tensor of shape `shape + [classes]`.
    public func oneHot<Result: NumericTensorElement>(classes: Int, as type: Result.Type = Float.self) -> Tensor<Result> {
        precondition(classes >= 0, "oneHot: negative class count \(classes) for labels of shape \(shape)")
        var result = Tensor<Result>.zeros(shape + [classes])
        let labels = scalars
        result.withUnsafeMutableBufferPointer { buffer in
            for (position, label) in labels.enumerated() {
                if label < 0 || label >= classes { indexOutOfRange("oneHot", index: label, axis: rank, size: classes) }
                buffer[position * classes + label] = Result.oneValue
            }
        }
        return result
    }
}
