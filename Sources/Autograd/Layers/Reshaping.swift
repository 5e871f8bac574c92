/// Layers that only pass or reshape their input: `Flatten` and `Identity`.

/// Axes `startAxis…endAxis` merged into one: PyTorch's `nn.Flatten` (default: everything
/// after the batch axis, `[N, C, H, W]` → `[N, C·H·W]`).
public final class Flatten<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The first axis merged; negative counts from the end.
    public let startAxis: Int
    /// Inclusive; negative counts from the end.
    public let endAxis: Int

    /// Flattens axes `startAxis` through `endAxis` (by default all but the batch axis).
    public init(startAxis: Int = 1, endAxis: Int = -1) {
        self.startAxis = startAxis
        self.endAxis = endAxis
    }

    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        input.flattened(from: startAxis, through: endAxis)
    }
}

/// The input unchanged: PyTorch's `nn.Identity`, a placeholder where an architecture option
/// removes a layer (no projection head, no normalization) but the names must stay aligned.
public final class Identity<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The identity layer.
    public init() {}
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { input }
}
