/// The part of a dataset that is read: the training set or the held-out test set.
public enum DatasetSplit: String, Sendable, Hashable, CaseIterable {
    /// The examples a model is trained on.
    case train
    /// The held-out examples it is tested on.
    case test
}
