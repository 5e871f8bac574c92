/// The hierarchical group lasso (HGL) and the rank importance it induces.
///
/// For one layer with columns `U_{:,j}` and rows `V_j`, the tail norms are
/// `tailU(b) = sqrt(Σ_{j ≥ b} ‖U_{:,j}‖²)` and `tailV(b) = sqrt(Σ_{j ≥ b} ‖V_j‖²)`:
/// `HGL = Σ_b [tailV(b) + tailU(b)]` penalizes late ranks more than early ones (rank `r` appears
/// in every group, rank 1 in one), so training pushes the least useful ranks to the end and to
/// zero. The importance of rank `b` is `s_b = tailV(b)·tailU(b)`, decreasing in `b`.

/// `[tail(1), …, tail(r)]` with `tail(b) = Σ_{j ≥ b} x_j` for `x: [r]`: the flip, cumulative
/// sum, flip of the reference code, as a product with the constant triangle `T[j, b] = [j ≥ b]`,
/// so its gradient comes from `matmul`'s.
func tailSums<Scalar>(_ values: Variable<Scalar>) -> Variable<Scalar> {
    let count = values.count
    var triangle = [Scalar](repeating: 0, count: count * count)
    for j in 0..<count { for b in 0...j { triangle[j * count + b] = 1 } }
    return matmul(values.reshaped(to: [1, count]), Variable(Tensor(shape: [count, count], scalars: triangle)))
        .reshaped(to: [count])                                                   // [r]
}

/// The HGL term of one layer: `Σ_b [sqrt(Σ_{j ≥ b} ‖V_j‖²) + sqrt(Σ_{j ≥ b} ‖U_{:,j}‖²)]`.
///
/// - Parameters:
///   - u: `[out, r]`, rank `j` in column `j`.
///   - v: `[r, in]`, rank `j` in row `j`.
/// - Returns: a scalar. Its gradient is finite while no tail is exactly zero, which is why the
///   factors are never zero-initialized.
public func hierarchicalGroupLasso<Scalar>(u: Variable<Scalar>, v: Variable<Scalar>) -> Variable<Scalar> {
    precondition(u.rank == 2 && v.rank == 2 && u.shape[1] == v.shape[0],
                 "hierarchicalGroupLasso: U \(u.shape) and V \(v.shape) are not [out, r] and [r, in]")
    let columnSquares = (u * u).sum(alongAxes: [0])                              // [r]
    let rowSquares = (v * v).sum(alongAxes: [1])                                 // [r]
    return tailSums(rowSquares).sqrt().sum() + tailSums(columnSquares).sqrt().sum()
}

/// The HGL term summed over `layers`.
public func hierarchicalGroupLasso<Scalar: FloatingPointTensorElement>(_ layers: [any LowRankLayer<Scalar>]) -> Variable<Scalar> {
    precondition(!layers.isEmpty, "hierarchicalGroupLasso: no low-rank layers")
    return layers.map { hierarchicalGroupLasso(u: $0.factorU, v: $0.factorV) }.dropFirst()
        .reduce(hierarchicalGroupLasso(u: layers[0].factorU, v: layers[0].factorV), +)
}

/// The tail norms `(tailU(b), tailV(b))` for `b = 1...r`, from the values (no graph).
func tailNorms<Scalar: FloatingPointTensorElement>(of layer: any LowRankLayer<Scalar>) -> (u: [Double], v: [Double]) {
    func tails(_ squares: [Double]) -> [Double] {
        var running = 0.0
        return squares.reversed().map { running += $0; return running.squareRoot() }.reversed()
    }
    let u = layer.factorU.value, v = layer.factorV.value
    let columnSquares = (u * u).sum(alongAxes: [0]).scalars.map(\.doubleValue)
    let rowSquares = (v * v).sum(alongAxes: [1]).scalars.map(\.doubleValue)
    return (tails(columnSquares), tails(rowSquares))
}

/// The importance of each rank of `layer`, `s_b = tailV(b)·tailU(b)` for `b = 1...r`:
/// decreasing in `b`, and below a small `ε` only when every rank from `b` on is nearly zero.
public func rankImportance<Scalar: FloatingPointTensorElement>(of layer: any LowRankLayer<Scalar>) -> [Double] {
    let tails = tailNorms(of: layer)
    return zip(tails.u, tails.v).map { $0 * $1 }
}

/// The scale of each rank on its own, `‖U_{:,j}‖·‖V_j‖`: the singular values once ordered
/// dropout has made the factors an SVD.
public func rankScales<Scalar: FloatingPointTensorElement>(of layer: any LowRankLayer<Scalar>) -> [Double] {
    let u = layer.factorU.value, v = layer.factorV.value
    let columns = (u * u).sum(alongAxes: [0]).scalars, rows = (v * v).sum(alongAxes: [1]).scalars
    return zip(columns, rows).map { ($0.doubleValue * $1.doubleValue).squareRoot() }
}
