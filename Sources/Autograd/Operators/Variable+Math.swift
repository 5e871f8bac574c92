/// Elementwise functions. Each VJP is written with variables, so that it records under
/// `backward(createGraph: true)` and the function can be differentiated again. Masks (where an
/// activation is flat or steep) are constants: their derivative is zero almost everywhere.

extension Variable {
    /// A constant of this variable's element type from a mask (1 where true).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func constant(_ mask: Tensor<Bool>) -> Variable { Variable(Tensor<Scalar>(converting: mask)) }

    /// `eˣ`; VJP `g · eˣ` (the output, not the input, is kept).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func exp() -> Variable {
        let result = value.exp()
        return differentiableOperation("exp", input: self, value: result, savedBytes: result.count * MemoryLayout<Scalar>.stride) { gradient in
            InputGradients(gradient * savedOutput(result) { self.exp() })
        }
    }

    /// `ln x`; VJP `g / x`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func log() -> Variable {
        differentiableOperation("log", input: self, value: value.log(), savedBytes: count * MemoryLayout<Scalar>.stride) { gradient in
            InputGradients(gradient / self)
        }
    }

    /// `ln(1 + x)`, accurate near 0; VJP `g / (1 + x)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func log1p() -> Variable {
        differentiableOperation("log1p", input: self, value: value.log1p()) { gradient in InputGradients(gradient / (self + 1)) }
    }

    /// `√x`; VJP `g / (2√x)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sqrt() -> Variable {
        let result = value.sqrt()
        return differentiableOperation("sqrt", input: self, value: result) { gradient in
            InputGradients(gradient / (savedOutput(result) { self.sqrt() } * 2))
        }
    }

    /// `1/√x`; VJP `−g / (2 x√x)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func rsqrt() -> Variable {
        let result = value.rsqrt()
        return differentiableOperation("rsqrt", input: self, value: result) { gradient in
            let output = savedOutput(result) { self.rsqrt() }
            return InputGradients(gradient * output * output * output * -0.5)
        }
    }

    /// `x²`; VJP `2x · g`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func square() -> Variable {
        differentiableOperation("square", input: self, value: value.square()) { gradient in InputGradients(gradient * self * 2) }
    }

    /// `|x|`; VJP `g · sign(x)` (0 at 0).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func abs() -> Variable {
        differentiableOperation("abs", input: self, value: value.abs()) { gradient in
            InputGradients(gradient * Variable(self.value.sign()))
        }
    }

    /// `sin x`; VJP `g · cos x`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sin() -> Variable {
        differentiableOperation("sin", input: self, value: value.sin()) { gradient in InputGradients(gradient * self.cos()) }
    }

    /// `cos x`; VJP `−g · sin x`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func cos() -> Variable {
        differentiableOperation("cos", input: self, value: value.cos()) { gradient in InputGradients(-(gradient * self.sin())) }
    }

    /// `tanh x`; VJP `g · (1 − tanh² x)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func tanh() -> Variable {
        let result = value.tanh()
        return differentiableOperation("tanh", input: self, value: result) { gradient in
            // Outside `createGraph`, one fused pass with the same values.
            if GradientMode.isEnabled {
                let output = self.tanh()
                return InputGradients(gradient * (1 - output * output))
            }
            return InputGradients(Variable(tanhGradient(gradient.value, output: result)))
        }
    }

    /// `1 / (1 + e⁻ˣ)`; VJP `g · σ(x)(1 − σ(x))`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sigmoid() -> Variable {
        let result = value.sigmoid()
        return differentiableOperation("sigmoid", input: self, value: result) { gradient in
            // Outside `createGraph`, one fused pass with the same values.
            if GradientMode.isEnabled {
                let output = self.sigmoid()
                return InputGradients(gradient * output * (1 - output))
            }
            return InputGradients(Variable(sigmoidGradient(gradient.value, output: result)))
        }
    }

    /// `max(x, 0)`; VJP `g · [x > 0]`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func relu() -> Variable {
        let result = value.relu()
        return differentiableOperation("relu", input: self, value: result) { gradient in
            // NOTE: a fused kernel outside `createGraph` (compare, convert and multiply took three
            // passes); `[y > 0]` equals `[x > 0]`, so only the output is kept.
            GradientMode.isEnabled
                ? InputGradients(gradient * Variable.constant(result .> 0))
                : InputGradients(Variable(reluGradient(gradient.value, output: result)))
        }
    }

    /// `x` for `x > 0`, `slope · x` otherwise; VJP `g · (x > 0 ? 1 : slope)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func leakyRelu(slope: Scalar = 0.01) -> Variable {
        differentiableOperation("leakyRelu", input: self, value: value.leakyRelu(slope: slope)) { gradient in
            let positive = Tensor<Scalar>(converting: self.value .> 0)
            return InputGradients(gradient * Variable(positive * (1 - slope) + slope))
        }
    }

    /// The Gauss error function; VJP `g · (2/√π) e^(−x²)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func erf() -> Variable {
        differentiableOperation("erf", input: self, value: value.erf()) { gradient in
            InputGradients(gradient * (-(self * self)).exp() * Scalar(2 / Double.pi.squareRoot()))
        }
    }

    /// GELU, `x · Φ(x)` (exact) or `½ · x · (1 + tanh(√(2/π) · (x + 0.044715 x³)))`
    /// (`approximate: .tanh`); VJP `g · gelu′(x)`, one fused kernel.
    ///
    /// Exact: `gelu′(x) = Φ(x) + x · φ(x)` with `φ` the normal density. Tanh: with
    /// `s = ½(1 + tanh u)`, `gelu′(x) = s + x · 2s(1 − s) · u′`, `u′ = √(2/π) · (1 + 3 · 0.044715 x²)`.
    ///
    /// - Parameter approximate: `.exact` (PyTorch's default, `'none'`) or `.tanh`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func gelu(approximate: GELUApproximation = .exact) -> Variable {
        switch approximate {
        case .exact: return geluOperation(name: "gelu", approximate: .exact)
        case .tanh: return geluOperation(name: "geluTanh", approximate: .tanh)
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func geluOperation(name: String, approximate: GELUApproximation) -> Variable {
        differentiableOperation(name, input: self, value: value.gelu(approximate: approximate),
                                savedBytes: count * MemoryLayout<Scalar>.stride) { gradient in
            // NOTE: fused (one pass over x and g) during an ordinary sweep; the composed form,
            // recorded, under `backward(createGraph: true)` so that GELU can be differentiated twice.
            guard GradientMode.isEnabled else {
                return InputGradients(Variable(self.value.geluDerivative(times: gradient.value, approximate: approximate)))
            }
            switch approximate {
            case .exact:
                let cumulative = ((self * Scalar(1 / 2.0.squareRoot())).erf() + 1) * 0.5
                let density = (self * self * -0.5).exp() * Scalar(1 / (2 * Double.pi).squareRoot())
                return InputGradients(gradient * (cumulative + self * density))
            case .tanh:
                let scale = Scalar((2 / Double.pi).squareRoot())
                let s = (((self * self * Scalar(0.044_715) + 1) * self * scale).tanh() + 1) * 0.5
                let slope = (self * self * Scalar(3 * 0.044_715) + 1) * scale
                return InputGradients(gradient * (s + self * s * (1 - s) * slope * 2))
            }
        }
    }

    /// `ln(1 + eˣ)` (linear above 20, like PyTorch); VJP `g · σ(x)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func softplus() -> Variable {
        differentiableOperation("softplus", input: self, value: value.softplus()) { gradient in
            InputGradients(gradient * self.sigmoid())
        }
    }

    /// `x · σ(x)`, composed.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func silu() -> Variable { self * sigmoid() }

    /// `xᵖ` for a constant exponent; VJP `g · p · xᵖ⁻¹`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func raised(to exponent: Scalar) -> Variable {
        differentiableOperation("powScalar", input: self, value: Tensor.pow(value, exponent)) { gradient in
            InputGradients(gradient * self.raised(to: exponent - 1) * exponent)
        }
    }

    /// Elements clamped to `[lower, upper]`; VJP `g` inside the interval, 0 outside.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func clamped(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Variable {
        differentiableOperation("clamp", input: self, value: value.clamped(min: lower, max: upper)) { gradient in
            var inside = Tensor<Bool>(repeating: true, shape: self.shape)
            if let lower { inside = inside .& (self.value .>= lower) }
            if let upper { inside = inside .& (self.value .<= upper) }
            return InputGradients(gradient * Variable.constant(inside))
        }
    }

    /// `aᵇ` elementwise, broadcast; VJP `(g · b · aᵇ⁻¹, g · aᵇ · ln a)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func pow(_ base: Variable, _ exponent: Variable) -> Variable {
        let result = Tensor.pow(base.value, exponent.value)
        return differentiableOperation("pow", inputs: base, exponent, value: result) { gradient in
            let output = savedOutput(result) { Variable.pow(base, exponent) }
            return InputGradients(base.requiresGradient ? gradient * exponent * Variable.pow(base, exponent - 1) : nil,
                                  exponent.requiresGradient ? gradient * output * base.log() : nil)
        }
    }

    /// The elementwise smaller of two variables; the gradient goes to the one chosen (`a` on ties).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func minimum(_ lhs: Variable, _ rhs: Variable) -> Variable {
        select(lhs.value .<= rhs.value, lhs, rhs, name: "minimum")
    }

    /// The elementwise larger of two variables; the gradient goes to the one chosen (`a` on ties).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func maximum(_ lhs: Variable, _ rhs: Variable) -> Variable {
        select(lhs.value .>= rhs.value, lhs, rhs, name: "maximum")
    }

    /// `a` where `mask` holds, `b` elsewhere, broadcast; VJP `(g · mask, g · ¬mask)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func `where`(_ mask: Tensor<Bool>, _ lhs: Variable, _ rhs: Variable) -> Variable {
        select(mask, lhs, rhs, name: "where")
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func select(_ mask: Tensor<Bool>, _ lhs: Variable, _ rhs: Variable, name: String) -> Variable {
        differentiableOperation(name, inputs: lhs, rhs, value: Tensor.where(mask, lhs.value, rhs.value)) { gradient in
            let chosen = constant(mask)
            return InputGradients(lhs.requiresGradient ? gradient * chosen : nil,
                                  rhs.requiresGradient ? gradient * (1 - chosen) : nil)
        }
    }
}
