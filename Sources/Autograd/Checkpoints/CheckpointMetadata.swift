/// What a checkpoint records about the run that wrote it.

/// The string metadata of a checkpoint: how to reproduce the run that wrote it.
///
/// Stored in the safetensors header's `__metadata__` as `seed`, `thread_count`,
/// `blas_configuration`, `git_revision` and any extra entries. The library never runs a command
/// to find the revision: the caller passes it.
public struct CheckpointMetadata: Sendable, Equatable {
    /// The seed of the run's generators, if it had one.
    public var seed: UInt64?
    /// The thread budget the run used.
    public var threadCount: Int?
    /// OpenBLAS's configuration string.
    public var blasConfiguration: String?
    /// The source revision the run was built from.
    public var gitRevision: String?
    /// Anything else, e.g. `["recipe": "resnet20-cifar10"]`.
    public var extra: [String: String]

    /// Metadata for a checkpoint written now: the thread count and BLAS configuration default to
    /// the current ones.
    public init(seed: UInt64? = nil, threadCount: Int? = ThreadBudget.count,
                blasConfiguration: String? = ThreadBudget.blasConfiguration,
                gitRevision: String? = nil, extra: [String: String] = [:]) {
        self.seed = seed
        self.threadCount = threadCount
        self.blasConfiguration = blasConfiguration
        self.gitRevision = gitRevision
        self.extra = extra
    }

    static let reservedKeys: Set = ["seed", "thread_count", "blas_configuration", "git_revision"]

    /// The `__metadata__` strings.
    var strings: [String: String] {
        var result = extra
        result["seed"] = seed.map(String.init)
        result["thread_count"] = threadCount.map(String.init)
        result["blas_configuration"] = blasConfiguration
        result["git_revision"] = gitRevision
        return result
    }

    /// Reads metadata back from `__metadata__` strings; entries that do not parse are kept in `extra`.
    init(strings: [String: String]) {
        seed = strings["seed"].flatMap { UInt64($0) }
        threadCount = strings["thread_count"].flatMap { Int($0) }
        blasConfiguration = strings["blas_configuration"]
        gitRevision = strings["git_revision"]
        extra = strings.filter { key, _ in !Self.reservedKeys.contains(key) }
        if let text = strings["seed"], seed == nil { extra["seed"] = text }
        if let text = strings["thread_count"], threadCount == nil { extra["thread_count"] = text }
    }
}
