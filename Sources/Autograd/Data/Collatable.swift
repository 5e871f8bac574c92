/// Joining samples into a batch: what a `DataLoader` does with the samples it reads.

/// A sample type that knows how to join several of its values into one batch.
public protocol Collatable: Sendable {
    /// What a batch of samples becomes (for images: one tensor with a leading batch axis).
    associatedtype Batch: Sendable
    /// The samples joined in order.
    ///
    /// - Precondition: `samples` is not empty and the samples agree in shape.
    static func collate(_ samples: [Self]) -> Batch
}

/// A batch of labeled samples: features `[B, …]` (images `[B, C, H, W]`) and labels `[B]`.
public struct LabeledBatch<Scalar: FloatingPointTensorElement>: Sendable {
    /// The samples' features stacked along a new leading axis, `[B, …]`.
    public var features: Tensor<Scalar>
    /// The samples' labels, `[B]`.
    public var labels: Tensor<Int>

    /// A batch of `features` `[B, …]` and `labels` `[B]`.
    public init(features: Tensor<Scalar>, labels: Tensor<Int>) {
        self.features = features
        self.labels = labels
    }
}

extension LabeledSample: Collatable {
    /// Stacks the features along a new leading axis and gathers the labels.
    ///
    /// - Precondition: `samples` is not empty and all features have the same shape.
    public static func collate(_ samples: [LabeledSample]) -> LabeledBatch<Scalar> {
        precondition(!samples.isEmpty, "LabeledSample.collate: no samples")
        let shape = samples[0].features.shape
        let sampleCount = samples[0].features.count
        let features = Tensor<Scalar>(uninitializedShape: [samples.count] + shape)
        let destination = features.storage.base
        for (position, sample) in samples.enumerated() {
            precondition(sample.features.shape == shape,
                         "LabeledSample.collate: sample \(position) has shape \(sample.features.shape), sample 0 has \(shape)")
            // One block copy per sample; `withUnsafeBufferPointer` makes strided views contiguous first.
            sample.features.withUnsafeBufferPointer { source in
                (destination + position * sampleCount).update(from: source.baseAddress!, count: sampleCount)
            }
        }
        return LabeledBatch(features: features, labels: Tensor<Int>(samples.map(\.label)))
    }
}
