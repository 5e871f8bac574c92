/// Pooling layers over the last two axes of `[N, C, H, W]`, wrapping the differentiable
/// `maxPool2d`, `avgPool2d` and `adaptiveAvgPool2d` ops. They hold no parameters.

/// The largest element of each window: PyTorch's `nn.MaxPool2d` (padding with `−∞`).
public final class MaxPool2d<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The window's height and width.
    public let kernelSize: Spatial2d
    /// The window step; `nil` means `kernelSize`, as in PyTorch.
    public let stride: Spatial2d?
    /// `−∞` added on both sides of height and width.
    public let padding: Spatial2d
    /// The spacing between window elements.
    public let dilation: Spatial2d
    /// Whether the output size is rounded up (PyTorch's `ceil_mode`), keeping a last partial window.
    public let ceilMode: Bool

    /// Max pooling over `kernelSize` windows; `stride` defaults to the kernel size.
    public init(kernelSize: Spatial2d, stride: Spatial2d? = nil, padding: Spatial2d = 0, dilation: Spatial2d = 1,
                ceilMode: Bool = false) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
    }

    /// `[N, C, H, W]` → `[N, C, Hout, Wout]`, `Hout = ⌊(H + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1`
    /// (rounded up in ceil mode).
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// The mean of each window: PyTorch's `nn.AvgPool2d`.
public final class AvgPool2d<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The window's height and width.
    public let kernelSize: Spatial2d
    /// The window step; `nil` means `kernelSize`, as in PyTorch.
    public let stride: Spatial2d?
    /// Zeros added on both sides of height and width.
    public let padding: Spatial2d
    /// Whether padded zeros count in the divisor (PyTorch's `count_include_pad`, default true).
    public let countIncludesPadding: Bool
    /// Whether the output size is rounded up (PyTorch's `ceil_mode`), keeping a last partial window.
    public let ceilMode: Bool

    /// Average pooling over `kernelSize` windows; `stride` defaults to the kernel size.
    public init(kernelSize: Spatial2d, stride: Spatial2d? = nil, padding: Spatial2d = 0, countIncludesPadding: Bool = true,
                ceilMode: Bool = false) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.countIncludesPadding = countIncludesPadding
        self.ceilMode = ceilMode
    }

    /// `[N, C, H, W]` → `[N, C, Hout, Wout]`, `Hout = ⌊(H + 2·padding − k) / stride⌋ + 1` (rounded up
    /// in ceil mode).
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        avgPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding,
                  countIncludesPadding: countIncludesPadding, ceilMode: ceilMode)
    }
}

/// The mean over windows chosen to give `outputSize` exactly, whatever the input size:
/// PyTorch's `nn.AdaptiveAvgPool2d` (`outputSize: 1` is global average pooling).
public final class AdaptiveAvgPool2d<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The output's height and width.
    public let outputSize: Spatial2d

    /// Average pooling to an `outputSize` grid, whatever the input size.
    public init(outputSize: Spatial2d) { self.outputSize = outputSize }

    /// `[N, C, H, W]` → `[N, C, outputSize.height, outputSize.width]`; window `i` along an axis
    /// of size `S` covers `⌊i·S/out⌋ ..< ⌈(i + 1)·S/out⌉`.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        adaptiveAvgPool2d(input, outputSize: outputSize)
    }
}
