/// The derivative index: one line per recorded op, `op: vector-Jacobian product`, the way a
/// math reference lists derivatives. `g` is the gradient arriving at the op's output, `y` its
/// output. Broadcast inputs receive their gradient summed over the broadcast axes (done once,
/// by the sweep). A test checks that every op in the sources has a line and every line an op.
public enum DerivativeIndex {
    /// One `(operation, formula)` pair per recorded op, grouped by the file that declares it.
    public static let entries: [(operation: String, formula: String)] = [
        // Arithmetic (Variable+Arithmetic.swift)
        ("add", "a + b: (g, g)"),
        ("subtract", "a − b: (g, −g)"),
        ("multiply", "a · b: (g · b, g · a)"),
        ("divide", "a / b: (g / b, −g · a / b²)"),
        ("negate", "−a: −g"),
        ("addScalar", "a + c (also a − c, c + a): g"),
        ("subtractFromScalar", "c − a: −g"),
        ("multiplyScalar", "a · c (also c · a): g · c"),
        ("divideByScalar", "a / c: g / c"),
        ("divideScalar", "c / a: −g · c / a²"),
        // Elementwise functions (Variable+Math.swift)
        ("exp", "eˣ: g · y  (keeps the output, not the input)"),
        ("log", "ln x: g / x"),
        ("log1p", "ln(1 + x): g / (1 + x)"),
        ("sqrt", "√x: g / (2y)"),
        ("rsqrt", "1/√x: −g · y³ / 2"),
        ("square", "x²: 2x · g"),
        ("abs", "|x|: g · sign(x)"),
        ("sin", "sin x: g · cos x"),
        ("cos", "cos x: −g · sin x"),
        ("tanh", "tanh x: g · (1 − y²)"),
        ("sigmoid", "σ(x): g · y · (1 − y)"),
        ("relu", "max(x, 0): g · [x > 0]"),
        ("leakyRelu", "x > 0 ? x : s·x: g · (x > 0 ? 1 : s)"),
        ("erf", "erf x: g · 2/√π · e^(−x²)"),
        ("gelu", "x · Φ(x): g · (Φ(x) + x · φ(x))"),
        ("geluTanh", "½x(1 + tanh u), u = √(2/π)(x + 0.044715x³), s = ½(1 + tanh u): g · (s + 2x · s(1 − s) · u′)"),
        ("softplus", "ln(1 + eˣ): g · σ(x)"),
        ("powScalar", "xᵖ: g · p · xᵖ⁻¹"),
        ("pow", "aᵇ: (g · b · aᵇ⁻¹, g · y · ln a)"),
        ("clamp", "clamp(x, lo, hi): g · [lo ≤ x ≤ hi]"),
        ("minimum", "min(a, b): (g · [a ≤ b], g · [a > b])"),
        ("maximum", "max(a, b): (g · [a ≥ b], g · [a < b])"),
        ("where", "mask ? a : b: (g · mask, g · ¬mask)"),
        // Reductions and softmax (Variable+Reductions.swift, Variable+Softmax.swift)
        ("sum", "Σ x: g broadcast over the reduced axes"),
        ("max", "max x: g shared equally among the maximal elements"),
        ("min", "min x: g shared equally among the minimal elements"),
        ("logSumExp", "log Σ eˣ: g · e^(x − y)"),
        ("softmax", "softmax(x): y · (g − Σ g · y)"),
        ("logSoftmax", "log softmax(x): g − softmax(x) · Σ g"),
        // Views (Variable+Views.swift)
        ("reshape", "reshape(x): reshape(g, shape of x)"),
        ("permute", "permute(x, p): permute(g, p⁻¹)"),
        ("expand", "expand(x): g, summed over the expanded axes"),
        ("slice", "x[s]: zeros of x's shape with g written at s"),
        ("sliceBackward", "zeros with g at s: g[s]"),
        // Products (Variable+Matmul.swift)
        ("matmul", "a @ b: (g @ bᵀ, aᵀ @ g)"),
        // Fully connected layer (Variable+Linear.swift)
        ("linear", "x · wᵀ + b: (g · w, gᵀ · x over all rows, g summed over all rows)"),
        ("pad", "pad(x): g without the padding"),
        ("concatenate", "concat(a, b, …): (g[a's slice], g[b's slice], …)"),
        // Indexing (Variable+Indexing.swift)
        ("gather", "x[index]: scatter-add of g at index into zeros of x's shape"),
        ("scatterAdd", "zeros + scatter-add of s at index: g[index]"),
        // Convolution and pooling (Variable+Convolution.swift, Variable+Pooling.swift)
        ("conv2d", "conv(x, w): (I(g, w), W(g, x)) — the two backward kernels"),
        ("conv2dBackwardInput", "I(g, w): (conv(u, w), W(g, u))"),
        ("conv2dBackwardWeight", "W(g, x): (conv(x, v), I(g, v))"),
        ("maxPool2d", "max over windows: scatter-add of g at the argmax indices"),
        ("avgPool2d", "mean over windows: its adjoint, avgPool2dBackward(g)"),
        ("avgPool2dBackward", "adjoint of avgPool2d: avgPool2d(u)"),
        ("adaptiveAvgPool2d", "mean over adaptive windows: its adjoint(g)"),
        ("adaptiveAvgPool2dBackward", "adjoint of adaptiveAvgPool2d: adaptiveAvgPool2d(u)"),
        // Normalization (Variable+BatchNormalization.swift, Variable+LayerNormalization.swift)
        ("batchNorm", "x̂ · γ + β, x̂ = (x − μ_B)/σ: (γ/σ · (g − mean g − x̂ · mean(g · x̂)), Σ g · x̂, Σ g)"),
        ("layerNorm", "x̂ · γ + β, x̂ = (x − μ)/σ per row, ĝ = g · γ: ((ĝ − mean ĝ − x̂ · mean(ĝ · x̂))/σ, Σ g · x̂, Σ g)"),
        // Custom ops (CustomOperations.swift)
        ("gradientReversal", "x forward: −λ · g"),
        ("straightThrough", "f(x) forward: g"),
    ]

    /// The formula for `operation`, if it has a line.
    public static func formula(for operation: String) -> String? {
        entries.first { $0.operation == operation }?.formula
    }
}
