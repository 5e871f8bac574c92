/// The softmax's vector-Jacobian product in one kernel, for the autograd layer's fused VJP.

extension Tensor where Scalar: FloatingPointTensorElement {
    /// `y ⊙ (g − Σ g ⊙ y)` along `axis`, where this tensor is the softmax's output `y` and
    /// `gradient` is `g` (broadcastable to it).
    ///
    /// Along the last axis each row is read twice and written once by one thread (a row of a
    /// few thousand elements stays in cache), instead of the four passes and three temporaries
    /// of the composed form; other axes take the composed form.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func softmaxBackward(_ gradient: Tensor, alongAxis axis: Int) -> Tensor {
        let axis = normalizedAxis(axis, rank: rank, op: "softmaxBackward")
        guard axis == rank - 1, count > 0, gradient.shape == shape else {
            return self * (gradient - (gradient * self).sum(alongAxes: [axis], keepingDimensions: true))
        }
        let output = contiguous(), incoming = gradient.contiguous()
        let result = Tensor(uninitializedShape: shape)
        let length = shape[axis], rows = count / length
        let y = UnsafePointer(output.storage.base + output.offset)
        let g = UnsafePointer(incoming.storage.base + incoming.offset)
        let destination = result.storage.base
        parallelChunks(count: rows, grain: Swift.max(1, reductionGrain / length)) { range in
            for row in range {
                softmaxBackwardRow(y + row * length, g + row * length, destination + row * length, length)
            }
        }
        return withExtendedLifetime((output, incoming)) { result }
    }
}

/// One row: the dot product `Σ g · y` (eight lanes, then the tail, in a fixed order), then
/// `y · (g − dot)`.
@inline(__always)
private func softmaxBackwardRow<Scalar: FloatingPointTensorElement>(
    _ y: UnsafePointer<Scalar>, _ g: UnsafePointer<Scalar>, _ destination: UnsafeMutablePointer<Scalar>, _ length: Int
) {
    var lanes = SIMD8<Scalar>()
    var index = 0
    while index + 8 <= length {
        lanes += loadLanes(y + index) * loadLanes(g + index)
        index += 8
    }
    var dot = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
    while index < length {
        dot += y[index] * g[index]
        index += 1
    }
    let dots = SIMD8<Scalar>(repeating: dot)
    index = 0
    while index + 8 <= length {
        storeLanes(loadLanes(y + index) * (loadLanes(g + index) - dots), destination + index)
        index += 8
    }
    while index < length {
        destination[index] = y[index] * (g[index] - dot)
        index += 1
    }
}
