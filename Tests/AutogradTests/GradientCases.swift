import Autograd
import Testing

/// One differentiable op at one point: the gradient checker runs every case, and the
/// derivative-index test reads the ops each case records.
struct GradientCase: Sendable, CustomTestStringConvertible {
    let name: String
    let inputs: [Tensor<Double>]
    let function: @Sendable ([Variable<Double>]) -> Variable<Double>
    var testDescription: String { name }
}

/// Deterministic inputs in `[low, high)`.
func sample(_ shape: [Int], _ low: Double = -1, _ high: Double = 1, seed: UInt64 = 1) -> Tensor<Double> {
    var generator = PhiloxGenerator(seed: seed)
    return Tensor<Double>.uniform(shape, low: low, high: high, using: &generator)
}

/// Inputs whose magnitude stays at least 0.2 away from zero (for kinks at 0).
func awayFromZero(_ shape: [Int], seed: UInt64 = 1) -> Tensor<Double> {
    let magnitude = sample(shape, 0.2, 1.2, seed: seed)
    let signs = sample(shape, -1, 1, seed: seed + 100).sign()
    return magnitude * signs
}

/// The same values in a non-contiguous layout (a transposed copy, transposed back).
func nonContiguous(_ tensor: Tensor<Double>) -> Tensor<Double> {
    let result = tensor.transposed().contiguous().transposed()
    precondition(!result.isContiguous || tensor.rank < 2)
    return result
}

let matrix = sample([2, 3])
let positive = sample([2, 3], 0.5, 2, seed: 2)
let row = sample([3], seed: 3)
let column = sample([2, 1], seed: 4)

let gradientCases: [GradientCase] = [
    // Arithmetic, with broadcast and non-contiguous operands.
    GradientCase(name: "add broadcast row", inputs: [matrix, row]) { $0[0] + $0[1] },
    GradientCase(name: "add expanded (stride 0) input", inputs: [matrix, row.expanded(to: [2, 3])]) { $0[0] + $0[1] },
    GradientCase(name: "subtract column from transposed", inputs: [nonContiguous(matrix), column]) { $0[1] - $0[0] },
    GradientCase(name: "multiply broadcast", inputs: [nonContiguous(matrix), column]) { $0[0] * $0[1] },
    GradientCase(name: "divide broadcast", inputs: [matrix, positive.sum(alongAxes: [0])]) { $0[0] / $0[1] },
    GradientCase(name: "negate", inputs: [matrix]) { -$0[0] },
    GradientCase(name: "add and subtract scalars", inputs: [nonContiguous(matrix)]) { ($0[0] + 0.5) * ($0[0] - 2) * (1.5 + $0[0]) },
    GradientCase(name: "subtract from scalar", inputs: [nonContiguous(matrix)]) { (1 - $0[0]) * $0[0] },
    GradientCase(name: "multiply by scalar", inputs: [nonContiguous(matrix)]) { ($0[0] * 3) * (-2 * $0[0]) },
    GradientCase(name: "divide by scalar", inputs: [matrix]) { ($0[0] / 4) * $0[0] },
    GradientCase(name: "divide scalar", inputs: [nonContiguous(positive)]) { 2 / $0[0] },
    // Elementwise functions.
    GradientCase(name: "exp", inputs: [nonContiguous(matrix)]) { $0[0].exp() },
    GradientCase(name: "log", inputs: [positive]) { $0[0].log() },
    GradientCase(name: "log1p", inputs: [positive]) { $0[0].log1p() },
    GradientCase(name: "sqrt", inputs: [positive]) { $0[0].sqrt() },
    GradientCase(name: "rsqrt", inputs: [positive]) { $0[0].rsqrt() },
    GradientCase(name: "square", inputs: [matrix]) { $0[0].square() },
    GradientCase(name: "abs", inputs: [awayFromZero([2, 3])]) { $0[0].abs() },
    GradientCase(name: "sin", inputs: [matrix]) { $0[0].sin() },
    GradientCase(name: "cos", inputs: [matrix]) { $0[0].cos() },
    GradientCase(name: "tanh", inputs: [nonContiguous(matrix)]) { $0[0].tanh() },
    GradientCase(name: "sigmoid", inputs: [matrix * 3]) { $0[0].sigmoid() },
    GradientCase(name: "relu", inputs: [awayFromZero([2, 3])]) { $0[0].relu() },
    GradientCase(name: "leakyRelu", inputs: [awayFromZero([2, 3])]) { $0[0].leakyRelu(slope: 0.1) },
    GradientCase(name: "erf", inputs: [matrix]) { $0[0].erf() },
    GradientCase(name: "gelu", inputs: [matrix * 3]) { $0[0].gelu() },
    GradientCase(name: "gelu non-contiguous, both tails", inputs: [nonContiguous(sample([4, 5], -5, 5, seed: 7))]) { $0[0].gelu() },
    GradientCase(name: "gelu broadcast (stride 0)", inputs: [(row * 2).expanded(to: [2, 3])]) { $0[0].gelu() },
    GradientCase(name: "geluTanh", inputs: [nonContiguous(sample([4, 5], -5, 5, seed: 8))]) { $0[0].gelu(approximate: .tanh) },
    GradientCase(name: "geluTanh broadcast (stride 0)", inputs: [(row * 2).expanded(to: [2, 3])]) { $0[0].gelu(approximate: .tanh) },
    GradientCase(name: "gelu (double backward)", inputs: [matrix * 2]) { inputs in
        inputs[0].gelu().square().sum().backward(createGraph: true).variable(for: inputs[0])!
    },
    GradientCase(name: "geluTanh (double backward)", inputs: [matrix * 2]) { inputs in
        inputs[0].gelu(approximate: .tanh).square().sum().backward(createGraph: true).variable(for: inputs[0])!
    },
    GradientCase(name: "softplus", inputs: [matrix * 3]) { $0[0].softplus() },
    GradientCase(name: "silu", inputs: [matrix * 3]) { $0[0].silu() },
    GradientCase(name: "powScalar", inputs: [positive]) { $0[0].raised(to: 2.5) },
    GradientCase(name: "pow broadcast", inputs: [positive, row]) { Variable.pow($0[0], $0[1]) },
    GradientCase(name: "clamp", inputs: [Tensor([-0.9, -0.3, 0.2, 0.6, 0.95])]) { $0[0].clamped(min: -0.5, max: 0.8) },
    GradientCase(name: "minimum", inputs: [matrix, positive - 1.1]) { Variable.minimum($0[0], $0[1]) },
    GradientCase(name: "maximum broadcast", inputs: [matrix, row * 0.5]) { Variable.maximum($0[0], $0[1]) },
    GradientCase(name: "where", inputs: [matrix, row]) { Variable.where(matrix .> 0, $0[0], $0[1]) },
    // Reductions.
    GradientCase(name: "sum all", inputs: [nonContiguous(matrix)]) { $0[0].sum() },
    GradientCase(name: "sum axis 1", inputs: [matrix]) { $0[0].sum(alongAxes: [1]) },
    GradientCase(name: "sum axes 0, 2 keeping dimensions", inputs: [sample([2, 3, 2])]) { $0[0].sum(alongAxes: [0, 2], keepingDimensions: true) },
    GradientCase(name: "mean", inputs: [matrix]) { $0[0].mean(alongAxes: [0]) },
    GradientCase(name: "variance", inputs: [matrix]) { $0[0].variance(alongAxes: [1]) },
    GradientCase(name: "max axis 1", inputs: [matrix]) { $0[0].max(alongAxes: [1]) },
    GradientCase(name: "min all", inputs: [nonContiguous(matrix)]) { $0[0].min() },
    GradientCase(name: "logSumExp", inputs: [matrix * 4]) { $0[0].logSumExp(alongAxes: [1]) },
    GradientCase(name: "norm 2", inputs: [matrix]) { $0[0].norm(alongAxes: [1]) },
    GradientCase(name: "norm 1", inputs: [awayFromZero([2, 3])]) { $0[0].norm(order: 1) },
    GradientCase(name: "norm 3", inputs: [awayFromZero([2, 3])]) { $0[0].norm(order: 3, alongAxes: [0]) },
    GradientCase(name: "softmax axis 1", inputs: [matrix * 3]) { $0[0].softmax(alongAxis: 1) },
    GradientCase(name: "softmax axis 0 non-contiguous", inputs: [nonContiguous(matrix)]) { $0[0].softmax(alongAxis: 0) },
    GradientCase(name: "softmax rows of 11 (fused VJP), non-contiguous", inputs: [nonContiguous(sample([3, 11], -3, 3))]) {
        $0[0].softmax(alongAxis: -1)
    },
    GradientCase(name: "softmax (double backward)", inputs: [sample([2, 9], -2, 2)]) { inputs in
        (inputs[0].softmax(alongAxis: -1) * Variable(sample([2, 9], seed: 5))).sum().backward(createGraph: true).variable(for: inputs[0])!
    },
    GradientCase(name: "logSoftmax", inputs: [matrix * 3]) { $0[0].logSoftmax(alongAxis: -1) },
    // Views.
    GradientCase(name: "reshape", inputs: [nonContiguous(matrix)]) { $0[0].reshaped(to: [3, 2]) * Variable(sample([3, 2], seed: 9)) },
    GradientCase(name: "permute", inputs: [sample([2, 3, 4])]) { $0[0].permuted([2, 0, 1]) * Variable(sample([4, 2, 3], seed: 9)) },
    GradientCase(name: "expand", inputs: [column]) { $0[0].expanded(to: [2, 3]) * Variable(matrix) },
    GradientCase(name: "slice with step", inputs: [sample([3, 5])]) { $0[0].sliced(axis: 1, from: 1, by: 2) },
    GradientCase(name: "selecting", inputs: [sample([3, 5])]) { $0[0].selecting(-1, alongAxis: 0) },
    // Products.
    GradientCase(name: "matmul", inputs: [matrix, sample([3, 4], seed: 5)]) { matmul($0[0], $0[1]) },
    GradientCase(name: "matmul transposed operands", inputs: [nonContiguous(sample([3, 2])), sample([4, 3], seed: 5)]) { matmul($0[0].transposed(), $0[1].transposed()) },
    GradientCase(name: "matmul column-major left operand", inputs: [sample([3, 2]), sample([3, 4], seed: 5)]) { matmul($0[0].transposed(), $0[1]) },
    GradientCase(name: "matmul rank-3 batch, column-major matrix", inputs: [sample([2, 2, 3]), sample([4, 3], seed: 6)]) { matmul($0[0], $0[1].transposed()) },
    GradientCase(name: "matmul broadcast batch", inputs: [sample([2, 2, 3]), sample([3, 4], seed: 6)]) { matmul($0[0], $0[1]) },
    GradientCase(name: "matmul shared matrix, non-contiguous rank-4 batch", inputs: [nonContiguous(sample([3, 2, 2, 4])), sample([4, 5], seed: 6).transposed()]) {
        matmul($0[0], $0[1].transposed())
    },
    GradientCase(name: "linear with bias, rank-3 input", inputs: [sample([2, 3, 4]), sample([5, 4], seed: 6), sample([5], seed: 7)]) {
        linear($0[0], weight: $0[1], bias: $0[2])
    },
    GradientCase(name: "linear without bias, non-contiguous input and transposed weight",
                 inputs: [nonContiguous(sample([3, 2, 4])), sample([4, 5], seed: 6)]) { linear($0[0], weight: $0[1].transposed()) },
    GradientCase(name: "linear, broadcast input", inputs: [sample([1, 4]), sample([3, 4], seed: 6), sample([3], seed: 7)]) {
        linear($0[0].expanded(to: [2, 4]), weight: $0[1], bias: $0[2])
    },
    GradientCase(name: "linear on a vector", inputs: [sample([4]), sample([3, 4], seed: 6), sample([3], seed: 7)]) {
        linear($0[0], weight: $0[1], bias: $0[2])
    },
    GradientCase(name: "linear (double backward)", inputs: [sample([2, 3]), sample([4, 3], seed: 6), sample([4], seed: 7)]) { inputs in
        let output = linear(inputs[0], weight: inputs[1], bias: inputs[2]).tanh()
        return output.sum().backward(createGraph: true).variable(for: inputs[1])!
    },
    GradientCase(name: "matmul broadcast matrix on the left", inputs: [sample([2, 3], seed: 9), sample([2, 3, 2], seed: 10)]) { matmul($0[0], $0[1]) },
    GradientCase(name: "matmul vector", inputs: [row, sample([3, 2], seed: 7)]) { matmul($0[0], $0[1]) },
    GradientCase(name: "matmul dot", inputs: [row, sample([3], seed: 8)]) { matmul($0[0], $0[1]) },
    // Similarities and top-k (composed: rowsNormalized, cosineSimilarities, squaredDistances, topK).
    GradientCase(name: "rowsNormalized", inputs: [sample([3, 4])]) { $0[0].rowsNormalized() },
    GradientCase(name: "cosineSimilarities", inputs: [sample([3, 4]), sample([5, 4], seed: 9)]) { $0[0].cosineSimilarities(to: $0[1]) },
    GradientCase(name: "cosineSimilarities with itself", inputs: [nonContiguous(sample([4, 3]))]) { $0[0].cosineSimilarities(to: $0[0]) },
    GradientCase(name: "squaredDistances", inputs: [sample([3, 4]), sample([5, 4], seed: 9)]) { $0[0].squaredDistances(to: $0[1]) },
    GradientCase(name: "topK (selection held fixed)", inputs: [sample([3, 6])]) { $0[0].topK(2).values },
    GradientCase(name: "topK smallest along axis 0", inputs: [sample([5, 2])]) { $0[0].topK(3, alongAxis: 0, largest: false).values.square() },
    // Joining and indexing.
    GradientCase(name: "pad", inputs: [sample([2, 3])]) { $0[0].padded([(1, 0), (2, 1)], with: 0.5) },
    GradientCase(name: "concatenate axis 1", inputs: [matrix, sample([2, 2], seed: 9)]) { Variable.concatenating([$0[0], $0[1]], alongAxis: 1) },
    GradientCase(name: "stack and split", inputs: [row, sample([3], seed: 9)]) { inputs in
        let stacked = Variable.stacking(inputs, alongAxis: 1)            // [3, 2]
        let pieces = stacked.split(sizes: [1, 2], alongAxis: 0)
        return pieces[0].sum() * pieces[1].sum()
    },
    GradientCase(name: "gather axis 1", inputs: [sample([2, 4])]) {
        $0[0].gathering(alongAxis: 1, indices: Tensor(shape: [2, 3], scalars: [3, 0, 3, 1, 1, 2]))
    },
    GradientCase(name: "scatterAdd", inputs: [sample([2, 3])]) {
        Variable.scatteringAdd($0[0], alongAxis: 1, indices: Tensor(shape: [2, 3], scalars: [0, 2, 0, 3, 3, 1]), shape: [2, 4])
    },
    GradientCase(name: "indexSelect", inputs: [sample([4, 3])]) { $0[0].indexSelect(alongAxis: 0, indices: Tensor([2, 0, 2])) },
    GradientCase(name: "maskedFill", inputs: [matrix]) { $0[0].maskedFill(where: matrix .> 0.2, with: -1) },
    // Convolution and pooling.
    GradientCase(name: "conv2d stride 2 padding 1 bias", inputs: [sample([2, 3, 5, 5]), sample([4, 3, 3, 3], seed: 9), sample([4], seed: 10)]) {
        conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
    },
    GradientCase(name: "conv2d dilation 2 groups 2 non-contiguous input", inputs: [nonContiguous(sample([2, 4, 6, 6])), sample([4, 2, 2, 2], seed: 9)]) {
        conv2d($0[0], weight: $0[1], padding: 1, dilation: 2, groups: 2)
    },
    GradientCase(name: "conv2dBackwardInput (double backward)", inputs: [sample([1, 2, 4, 4]), sample([3, 2, 3, 3], seed: 9)]) { inputs in
        let output = conv2d(inputs[0], weight: inputs[1], padding: 1)
        return output.square().sum().backward(createGraph: true).variable(for: inputs[0])!
    },
    GradientCase(name: "conv2dBackwardWeight (double backward)", inputs: [sample([1, 2, 4, 4]), sample([3, 2, 3, 3], seed: 9)]) { inputs in
        let output = conv2d(inputs[0], weight: inputs[1], stride: 2, padding: 1)
        return output.square().sum().backward(createGraph: true).variable(for: inputs[1])!
    },
    GradientCase(name: "maxPool2d", inputs: [sample([2, 2, 5, 5])]) { maxPool2d($0[0], kernelSize: 3, stride: 2, padding: 1) },
    GradientCase(name: "maxPool2d (double backward)", inputs: [sample([1, 2, 4, 4])]) { inputs in
        maxPool2d(inputs[0], kernelSize: 2).square().sum().backward(createGraph: true).variable(for: inputs[0])!
    },
    GradientCase(name: "avgPool2d", inputs: [sample([2, 2, 5, 5])]) { avgPool2d($0[0], kernelSize: 3, stride: 2, padding: 1, countIncludesPadding: false) },
    GradientCase(name: "maxPool2d (ceil mode, non-contiguous)", inputs: [nonContiguous(sample([2, 2, 6, 6]))]) {
        maxPool2d($0[0], kernelSize: 3, stride: 2, ceilMode: true)
    },
    GradientCase(name: "avgPool2d (ceil mode)", inputs: [sample([2, 2, 6, 6])]) {
        avgPool2d($0[0], kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
    },
    GradientCase(name: "avgPool2dBackward (double backward)", inputs: [sample([1, 2, 4, 4])]) { inputs in
        avgPool2d(inputs[0], kernelSize: 2).square().sum().backward(createGraph: true).variable(for: inputs[0])!
    },
    // Normalization (training-mode batch norm, one fused op).
    GradientCase(name: "batchNorm2d with affine", inputs: [sample([3, 2, 2, 3]) * 2 + 1, sample([2], 0.5, 1.5, seed: 9), sample([2], seed: 10)]) {
        batchNormalizedWithBatchStatistics($0[0], weight: $0[1], bias: $0[2], epsilon: 1e-5).output
    },
    GradientCase(name: "batchNorm1d without affine, non-contiguous", inputs: [nonContiguous(sample([5, 3]))]) {
        batchNormalizedWithBatchStatistics($0[0], weight: nil, bias: nil, epsilon: 1e-5).output
    },
    GradientCase(name: "batchNorm (double backward)", inputs: [sample([2, 2, 3]), sample([2], 0.5, 1.5, seed: 9)]) { inputs in
        let output = batchNormalizedWithBatchStatistics(inputs[0], weight: inputs[1], bias: nil, epsilon: 1e-5).output
        return (output * Variable(sample([2, 2, 3], seed: 11))).square().sum().backward(createGraph: true).variable(for: inputs[0])!
    },
    // Layer norm (one fused op); rows of 11 run the eight-lane loops and the scalar tail.
    GradientCase(name: "layerNorm with affine, non-contiguous", inputs: [nonContiguous(sample([3, 11]) * 2 + 1),
                                                                       sample([11], 0.5, 1.5, seed: 9), sample([11], seed: 10)]) {
        layerNormalized($0[0], normalizedShape: [11], weight: $0[1], bias: $0[2], epsilon: 1e-5)
    },
    GradientCase(name: "layerNorm over two axes, broadcast input", inputs: [sample([2, 3], seed: 12).expanded(to: [4, 2, 3]),
                                                                           sample([2, 3], 0.5, 1.5, seed: 13)]) {
        layerNormalized($0[0], normalizedShape: [2, 3], weight: $0[1], bias: nil, epsilon: 1e-5)
    },
    GradientCase(name: "layerNorm without affine", inputs: [sample([2, 9], seed: 14)]) {
        layerNormalized($0[0], normalizedShape: [9], weight: nil, bias: nil, epsilon: 1e-5)
    },
    GradientCase(name: "layerNorm (double backward)", inputs: [sample([2, 5]), sample([5], 0.5, 1.5, seed: 9), sample([5], seed: 10)]) { inputs in
        let output = layerNormalized(inputs[0], normalizedShape: [5], weight: inputs[1], bias: inputs[2], epsilon: 1e-5)
        return (output * Variable(sample([2, 5], seed: 11))).square().sum().backward(createGraph: true).variable(for: inputs[0])!
    },
    GradientCase(name: "adaptiveAvgPool2d", inputs: [sample([2, 2, 5, 7])]) { adaptiveAvgPool2d($0[0], outputSize: Spatial2d(3, 2)) },
    GradientCase(name: "adaptiveAvgPool2dBackward (double backward)", inputs: [sample([1, 2, 5, 5])]) { inputs in
        adaptiveAvgPool2d(inputs[0], outputSize: 2).square().sum().backward(createGraph: true).variable(for: inputs[0])!
    },
]
