/// Batch normalization layers (Ioffe & Szegedy, 2015, https://arxiv.org/abs/1502.03167).
///
/// Both normalize each channel over the batch (and the spatial axes), like PyTorch's
/// `nn.BatchNorm1d` / `nn.BatchNorm2d`: parameters `weight` (ones) and `bias` (zeros) when
/// affine, buffers `running_mean` (zeros), `running_var` (ones) and `num_batches_tracked` (an
/// `Int` scalar). Training mode normalizes with the batch statistics (biased variance) and
/// updates the running ones (unbiased variance); evaluation mode uses the running ones.

/// What `BatchNorm1d` and `BatchNorm2d` share: everything but the input ranks they accept.
public class BatchNormalizationLayer<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// `γ`, `[C]`, or `nil` when not affine.
    public let weight: Parameter<Scalar>?
    /// `β`, `[C]`, or `nil` when not affine.
    public let bias: Parameter<Scalar>?
    /// `[C]`, saved as `running_mean`.
    public let runningMean: Buffer<Scalar>
    /// `[C]`, saved as `running_var`.
    public let runningVariance: Buffer<Scalar>
    /// The number of training batches seen, a scalar saved as `num_batches_tracked`.
    public let trackedBatchCount: Buffer<Int>
    /// `m` in `r ← (1 − m)·r + m·stat`; `nil` for a cumulative average (PyTorch's `momentum=None`).
    public var momentum: Double?
    /// `ε`, added to the variance.
    public var epsilon: Double

    public static var keyOverrides: [String: String] {
        ["runningVariance": "running_var", "trackedBatchCount": "num_batches_tracked"]
    }

    init(featureCount: Int, epsilon: Double, momentum: Double?, affine: Bool) {
        weight = affine ? Parameter(Tensor.ones([featureCount])) : nil
        bias = affine ? Parameter(Tensor.zeros([featureCount])) : nil
        runningMean = Buffer(Tensor.zeros([featureCount]))
        runningVariance = Buffer(Tensor.ones([featureCount]))
        trackedBatchCount = Buffer(Tensor(0))
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// Stops with the layer's name and the shapes it accepts when `input` is not one of them.
    func checkInput(_ input: Variable<Scalar>) {}

    /// The input, normalized per channel (axis 1); the same shape.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        checkInput(input)
        return batchNormalized(input, weight: weight, bias: bias, runningMean: runningMean,
                               runningVariance: runningVariance, trackedBatchCount: trackedBatchCount,
                               momentum: momentum, epsilon: epsilon, isTraining: isTraining)
    }
}

/// Batch normalization of `[N, C]` or `[N, C, L]`: `nn.BatchNorm1d`.
public final class BatchNorm1d<Scalar: FloatingPointTensorElement>: BatchNormalizationLayer<Scalar>, @unchecked Sendable {
    /// Batch normalization of `featureCount` features (`momentum` as in PyTorch, `nil` for a cumulative average).
    override public init(featureCount: Int, epsilon: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true) {
        super.init(featureCount: featureCount, epsilon: epsilon, momentum: momentum, affine: affine)
    }

    /// `[N, C]` or `[N, C, L]` → the same shape.
    override func checkInput(_ input: Variable<Scalar>) {
        precondition((input.rank == 2 || input.rank == 3) && input.shape[1] == runningMean.value.count,
                     "BatchNorm1d: input \(input.shape) is not [N, \(runningMean.value.count)] or [N, \(runningMean.value.count), L]")
    }
}

/// Batch normalization of `[N, C, H, W]` per channel: `nn.BatchNorm2d`.
public final class BatchNorm2d<Scalar: FloatingPointTensorElement>: BatchNormalizationLayer<Scalar>, @unchecked Sendable {
    /// Batch normalization of `featureCount` channels (`momentum` as in PyTorch, `nil` for a cumulative average).
    override public init(featureCount: Int, epsilon: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true) {
        super.init(featureCount: featureCount, epsilon: epsilon, momentum: momentum, affine: affine)
    }

    /// `[N, C, H, W]` → the same shape.
    override func checkInput(_ input: Variable<Scalar>) {
        precondition(input.rank == 4 && input.shape[1] == runningMean.value.count,
                     "BatchNorm2d: input \(input.shape) is not [N, \(runningMean.value.count), H, W]")
    }
}
