/// A fully connected layer's forward pass, `x · wᵀ + b`, as one GEMM.

/// `x · wᵀ + b` over the last axis of `x`: `[…, in] · [out, in]ᵀ + [out] → […, out]`.
///
/// The bias is written into the result first and the GEMM adds the product onto it (β = 1), so
/// there is no pass that zeroes the result and none that adds the bias afterwards. All rows of `x`
/// go through one product (a `[B, N, D]` input is `B·N` rows), cut across the threads as `matmul`
/// cuts it: the result does not depend on `ThreadBudget.count`. Transposed or row-sliced weights
/// (a block of rows of a fused `qkv` weight) reach BLAS without a copy.
///
/// - Precondition: `weight` is `[out, in]` with `in` the last dimension of `x`, and `bias`, when
///   given, is `[out]`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func linear<Scalar: FloatingPointTensorElement>(
    _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>? = nil
) -> Tensor<Scalar> {
    precondition(input.rank >= 1 && weight.rank == 2 && input.shape[input.rank - 1] == weight.shape[1],
                 "linear: input \(input.shape), weight \(weight.shape): the weight must be [out, \(input.shape.last ?? 0)]")
    let outputs = weight.shape[0], inner = weight.shape[1]
    if let bias {
        precondition(bias.shape == [outputs], "linear: bias \(bias.shape) does not match weight \(weight.shape); expected [\(outputs)]")
    }
    let rows = input.shape.dropLast().reduce(1, *)
    let resultShape = Array(input.shape.dropLast()) + [outputs]
    let result = Tensor<Scalar>(uninitializedShape: [rows, outputs])
    guard rows > 0 && outputs > 0 else { return result.reshaped(to: resultShape) }
    let base = result.storage.base
    if let bias {
        let bias = bias.contiguous()
        let biasBase = bias.storage.base + bias.offset
        for row in 0..<rows { (base + row * outputs).update(from: biasBase, count: outputs) }
        withExtendedLifetime(bias) {}
    } else if inner == 0 {
        base.initialize(repeating: 0, count: rows * outputs)
    }
    guard inner > 0 else { return result.reshaped(to: resultShape) }
    // x as [rows, in] and wᵀ as [in, out], each over its own storage when BLAS can read it.
    var left = input.reshaped(to: [rows, inner]), right = weight.transposed()
    let leftLayout = BLASMatrixLayout.reading(&left).layout
    let rightLayout = BLASMatrixLayout.reading(&right).layout
    runGEMMs(GEMMSplit(products: 1, rows: rows, columns: outputs, depth: inner), k: inner,
             left: left.storage, leftLayout: leftLayout, leftOffsets: [], leftOffset: left.offset,
             right: right.storage, rightLayout: rightLayout, rightOffsets: [], rightOffset: right.offset,
             output: base, beta: bias == nil ? 0 : 1)
    return result.reshaped(to: resultShape)
}
