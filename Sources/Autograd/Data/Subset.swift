/// The samples of a dataset at chosen indices, in the order given.
///
/// `subset.sample(at: i) = base.sample(at: indices[i])`; indices may repeat.
public struct Subset<Base: Dataset>: Dataset {
    /// The dataset the samples come from.
    public let base: Base
    /// The positions in `base` of this subset's samples.
    public let indices: [Int]

    /// The samples of `base` at `indices`.
    ///
    /// - Precondition: every index lies in `0..<base.count`.
    public init(_ base: Base, indices: [Int]) {
        let baseCount = base.count
        if let bad = indices.first(where: { $0 < 0 || $0 >= baseCount }) {
            preconditionFailure("Subset: index \(bad) out of range 0..<\(baseCount)")
        }
        self.base = base
        self.indices = indices
    }

    /// The number of indices.
    public var count: Int { indices.count }

    /// The sample of `base` at `indices[index]`.
    public func sample(at index: Int) -> Base.Sample {
        base.sample(at: indices[checked(index)])
    }

    /// The sample of `base` at `indices[index]`, in epoch `epoch`.
    public func sample(at index: Int, epoch: Int) -> Base.Sample {
        base.sample(at: indices[checked(index)], epoch: epoch)
    }

    private func checked(_ index: Int) -> Int {
        precondition(index >= 0 && index < indices.count, "Subset.sample: index \(index) out of range 0..<\(indices.count)")
        return index
    }
}
