/// Batches from a dataset: seeded shuffling that changes every epoch, drop-last, collation, and
/// background prefetching on worker threads.
///
/// Iterating a loader yields one epoch of batches. Epoch `e`'s order is a random permutation drawn
/// from `PhiloxGenerator(seed: seed).forked(stream: e)`, so every epoch differs and every run with
/// the same seed repeats. Batch `b` holds the samples at positions `b·batchSize ..< (b+1)·batchSize`
/// of that order, read with `dataset.sample(at:epoch:)` and joined by `Sample.collate`: its
/// content depends only on `(seed, epoch, b)`, never on the number of workers or on timing.
///
/// ```swift
/// let loader = DataLoader(training, batchSize: 128, shuffle: true, seed: 1, dropLast: true, workers: 2)
/// for epoch in 0..<10 {
///     for batch in loader.epoch(epoch) {
///         // batch.features: [128, C, H, W], batch.labels: [128]
///     }
/// }
/// ```
///
/// With `workers > 0`, batches are built ahead on that many background threads (at most
/// `ThreadBudget.count`: the loader draws from the same budget as the kernels) and at most
/// `prefetchPerWorker` batches per worker wait or are in progress. Ending an iteration early
/// (a `break`, or dropping the iterator) stops and joins the worker threads.
public struct DataLoader<Source: Dataset>: Sequence, Sendable where Source.Sample: Collatable {
    /// What one iteration step yields: the collated samples (`LabeledBatch` for `LabeledSample`s).
    public typealias Batch = Source.Sample.Batch

    /// The dataset the samples come from.
    public let dataset: Source
    /// The number of samples per batch (the last batch may hold fewer unless `dropsLast`).
    public let batchSize: Int
    /// Whether each epoch visits the samples in a fresh random order (otherwise `0, 1, 2, …`).
    public let shuffles: Bool
    /// The seed of the shuffling order.
    public let seed: UInt64
    /// Whether a last, incomplete batch is left out.
    public let dropsLast: Bool
    /// The number of background threads asked for; 0 builds batches on the calling thread.
    public let workers: Int
    /// How many batches each worker may build ahead of the consumer.
    public let prefetchPerWorker: Int
    /// The epoch that iterating this loader yields.
    public var epoch: Int
    // Counts this loader's live worker threads, so tests can see that none is left behind.
    let workerCounter = WorkerCounter()

    /// A loader over `dataset`.
    ///
    /// - Parameters:
    ///   - dataset: the samples to batch.
    ///   - batchSize: samples per batch, at least 1.
    ///   - shuffle: draw a new random order each epoch (from `seed` and the epoch).
    ///   - seed: the seed of the shuffling order.
    ///   - dropLast: leave out the last batch when it holds fewer than `batchSize` samples.
    ///   - workers: background threads that build batches ahead (0: on the calling thread).
    ///   - prefetchPerWorker: batches each worker may build ahead, at least 1.
    ///   - epoch: the epoch iteration starts with (see `epoch(_:)`).
    public init(
        _ dataset: Source, batchSize: Int, shuffle: Bool = false, seed: UInt64 = 0,
        dropLast: Bool = false, workers: Int = 0, prefetchPerWorker: Int = 2, epoch: Int = 0
    ) {
        precondition(batchSize >= 1, "DataLoader: batch size \(batchSize) must be at least 1")
        precondition(workers >= 0, "DataLoader: worker count \(workers) is negative")
        precondition(prefetchPerWorker >= 1, "DataLoader: prefetchPerWorker \(prefetchPerWorker) must be at least 1")
        precondition(epoch >= 0, "DataLoader: epoch \(epoch) is negative")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffles = shuffle
        self.seed = seed
        self.dropsLast = dropLast
        self.workers = workers
        self.prefetchPerWorker = prefetchPerWorker
        self.epoch = epoch
    }

    /// This loader set to yield epoch `epoch`.
    public func epoch(_ epoch: Int) -> DataLoader {
        precondition(epoch >= 0, "DataLoader.epoch: epoch \(epoch) is negative")
        var copy = self
        copy.epoch = epoch
        return copy
    }

    /// The number of batches in one epoch: `⌈N / batchSize⌉`, or `⌊N / batchSize⌋` when dropping the last.
    public var batchCount: Int {
        dropsLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The sample indices in the order this loader's epoch visits them, `[N]`.
    public func sampleOrder() -> [Int] {
        guard shuffles else { return Array(0..<dataset.count) }
        var generator = PhiloxGenerator(seed: seed).forked(stream: UInt64(epoch))
        return Tensor<Int>.randomPermutation(dataset.count, using: &generator).scalars
    }

    /// Batch `index` of this loader's epoch, built on the calling thread.
    ///
    /// - Precondition: `0 ≤ index < batchCount`.
    public func batch(at index: Int) -> Batch {
        precondition(index >= 0 && index < batchCount, "DataLoader.batch: index \(index) out of range 0..<\(batchCount)")
        return Self.makeBatch(index, order: sampleOrder(), dataset: dataset, batchSize: batchSize, epoch: epoch)
    }

    static func makeBatch(_ index: Int, order: [Int], dataset: Source, batchSize: Int, epoch: Int) -> Batch {
        let positions = index * batchSize ..< Swift.min((index + 1) * batchSize, order.count)
        return Source.Sample.collate(positions.map { dataset.sample(at: order[$0], epoch: epoch) })
    }

    /// An iterator over the batches of this loader's epoch; with workers, it starts them.
    public func makeIterator() -> DataLoaderIterator<Source> {
        DataLoaderIterator(self)
    }
}

/// Yields the batches of one epoch of a `DataLoader`, in order.
///
/// When the iterator is dropped (the `for` loop ends or breaks), its worker threads are stopped
/// and joined before the drop returns.
public struct DataLoaderIterator<Source: Dataset>: IteratorProtocol where Source.Sample: Collatable {
    private let loader: DataLoader<Source>
    private let order: [Int]
    private var nextIndex = 0
    // Owned only by iterators: when the last copy goes, the handle's deinit stops the workers.
    let prefetch: PrefetchHandle<Source.Sample.Batch>?

    init(_ loader: DataLoader<Source>) {
        self.loader = loader
        self.order = loader.sampleOrder()
        let threads = Swift.min(loader.workers, ThreadBudget.count)
        if threads > 0 && loader.batchCount > 0 {
            let (dataset, order, batchSize, epoch) = (loader.dataset, order, loader.batchSize, loader.epoch)
            prefetch = PrefetchHandle(BatchPrefetcher(
                batchCount: loader.batchCount, workers: threads, capacity: threads * loader.prefetchPerWorker,
                counter: loader.workerCounter
            ) { index in
                DataLoader.makeBatch(index, order: order, dataset: dataset, batchSize: batchSize, epoch: epoch)
            })
        } else {
            prefetch = nil
        }
    }

    /// The next batch, or `nil` after the epoch's last one.
    public mutating func next() -> Source.Sample.Batch? {
        if let prefetch { return prefetch.prefetcher.next() }
        guard nextIndex < loader.batchCount else { return nil }
        defer { nextIndex += 1 }
        return DataLoader.makeBatch(nextIndex, order: order, dataset: loader.dataset,
                                    batchSize: loader.batchSize, epoch: loader.epoch)
    }
}
