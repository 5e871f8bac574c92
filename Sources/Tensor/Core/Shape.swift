/// Shape arithmetic shared by every op: axis normalization and NumPy broadcasting.

/// Resolves a possibly negative axis against a rank, stopping with the op's name when out of range.
@inline(__always)
public func normalizedAxis(_ axis: Int, rank: Int, op: StaticString) -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    precondition(resolved >= 0 && resolved < max(rank, 1) && (rank > 0 || resolved == 0),
                 "\(op): axis \(axis) is out of range for rank \(rank)")
    return resolved
}

/// The shape two shapes broadcast to under NumPy's rules (align at the right; sizes equal or 1).
public func broadcastShape(_ lhs: [Int], _ rhs: [Int], op: StaticString) -> [Int] {
    let rank = max(lhs.count, rhs.count)
    var result = [Int](repeating: 1, count: rank)
    for index in 0..<rank {
        let left = index < rank - lhs.count ? 1 : lhs[index - (rank - lhs.count)]
        let right = index < rank - rhs.count ? 1 : rhs[index - (rank - rhs.count)]
        precondition(left == right || left == 1 || right == 1,
                     "\(op): shapes \(lhs) and \(rhs) cannot be broadcast together")
        result[index] = left == 1 ? right : left
    }
    return result
}
