/// A 2-D convolution over `[N, C, H, W]`: `y = conv(x, W) + b`.
///
/// Initialized like PyTorch's `nn.Conv2d`: weight Kaiming uniform with `a = √5`, which is
/// `U(±1/√fanIn)`, and bias `U(±1/√fanIn)`, with `fanIn = C/groups · kH · kW`. Parameter names
/// `weight` `[O, C/groups, kH, kW]` and `bias` `[O]`, as in PyTorch. Padding is with zeros.
public final class Conv2d<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// `[outputChannels, inputChannels / groups, kH, kW]`, PyTorch's layout.
    public let weight: Parameter<Scalar>
    /// `[outputChannels]`, or `nil` without bias.
    public let bias: Parameter<Scalar>?
    /// The step between windows along height and width.
    public let stride: Spatial2d
    /// Zeros added on both sides of height and width.
    public let padding: Spatial2d
    /// The spacing between kernel taps (2 reads every other pixel).
    public let dilation: Spatial2d
    /// The number of channel groups convolved separately.
    public let groups: Int

    /// - Parameters:
    ///   - inputChannels: `C` of the input `[N, C, H, W]`.
    ///   - outputChannels: `O`, the channels of the output.
    ///   - kernelSize: `(kH, kW)`; an integer literal means a square kernel.
    ///   - stride: the step between windows along height and width.
    ///   - padding: zeros added on both sides of height and width.
    ///   - dilation: the spacing between kernel taps.
    ///   - groups: channels are split into this many groups convolved separately (`groups ==
    ///     inputChannels` is a depthwise convolution).
    ///   - bias: whether the layer adds a learned bias per output channel.
    ///   - generator: the stream the initial weights are drawn from.
    /// - Precondition: both channel counts are divisible by `groups`.
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Spatial2d, stride: Spatial2d = 1,
        padding: Spatial2d = 0, dilation: Spatial2d = 1, groups: Int = 1, bias: Bool = true,
        using generator: inout PhiloxGenerator
    ) {
        precondition(groups > 0 && inputChannels % groups == 0 && outputChannels % groups == 0,
                     "Conv2d: \(inputChannels) input and \(outputChannels) output channels are not divisible by \(groups) groups")
        let shape = [outputChannels, inputChannels / groups, kernelSize.height, kernelSize.width]
        weight = Parameter(Initializer.kaimingUniform(nonlinearity: .leakyRelu(slope: 5.0.squareRoot()))
            .tensor(shape, using: &generator))
        let bound = 1 / Double(weightFans(shape).fanIn).squareRoot()
        self.bias = bias
            ? Parameter(Initializer.uniform(low: -bound, high: bound).tensor([outputChannels], using: &generator))
            : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    /// `[N, inputChannels, H, W]` → `[N, outputChannels, Hout, Wout]` with
    /// `Hout = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1` (likewise `Wout`).
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        precondition(input.rank == 4 && input.shape[1] == weight.shape[1] * groups,
                     "Conv2d: input \(input.shape) is not [N, \(weight.shape[1] * groups), H, W]")
        return conv2d(input, weight: weight.variable, bias: bias?.variable,
                      stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}
