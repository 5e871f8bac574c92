/// The part of a dataset that is read: the training set or the held-out test set.
public enum DatasetSplit: String, Sendable, Hashable, CaseIterable {
    case train
    case test
}
