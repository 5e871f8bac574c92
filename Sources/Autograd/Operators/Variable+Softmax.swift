/// Softmax and log-softmax with fused VJPs: composing them from exp, sum and divide would save
/// more tensors and lose accuracy for large logits.

extension Variable {
    /// `exp(x) / Σ exp(x)` along `axis`; VJP `y ⊙ (g − Σ g ⊙ y)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func softmax(alongAxis axis: Int = -1) -> Variable {
        let result = value.softmax(alongAxis: axis)
        return differentiableOperation("softmax", input: self, value: result,
                                       savedBytes: result.count * MemoryLayout<Scalar>.stride) { gradient in
            // NOTE: one fused kernel during an ordinary sweep; the composed form, recorded, under
            // `backward(createGraph: true)`.
            guard GradientMode.isEnabled else { return InputGradients(Variable(result.softmaxBackward(gradient.value, alongAxis: axis))) }
            let output = savedOutput(result) { self.softmax(alongAxis: axis) }
            let projection = (gradient * output).sum(alongAxes: [axis], keepingDimensions: true)
            return InputGradients(output * (gradient - projection))
        }
    }

    /// `x − log Σ exp(x)` along `axis`; VJP `g − softmax(x) ⊙ Σ g`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func logSoftmax(alongAxis axis: Int = -1) -> Variable {
        let result = value.logSoftmax(alongAxis: axis)
        return differentiableOperation("logSoftmax", input: self, value: result,
                                       savedBytes: result.count * MemoryLayout<Scalar>.stride) { gradient in
            // Recomputed from the input so that a second derivative flows through softmax.
            let probabilities = self.softmax(alongAxis: axis)
            return [gradient - probabilities * gradient.sum(alongAxes: [axis], keepingDimensions: true)]
        }
    }
}
