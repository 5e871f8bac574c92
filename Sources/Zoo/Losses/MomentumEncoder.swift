/// The momentum encoder of MoCo and scalable LOOK: a second copy of a network whose parameters
/// follow the trained one's as an exponential moving average, matched by name.

extension Module {
    /// Makes `self` a copy of `source`, a module of the same architecture: every parameter and
    /// buffer is set to the value `source` holds under the same name.
    ///
    /// Tensors are copy-on-write, so later in-place updates of either module do not reach the
    /// other.
    ///
    /// - Precondition: both modules have the same parameter and buffer names and shapes.
    public func copyParameters(from source: any Module<Scalar>) {
        let sources = matchedParameters(self, source, op: "copyParameters")
        for (target, value) in sources { target.value = value.value }
        let sourceBuffers = Dictionary(source.namedBuffers().map { ($0.name, $0.buffer) }, uniquingKeysWith: { first, _ in first })
        for (name, buffer) in namedBuffers() {
            guard let from = sourceBuffers[name] else {
                preconditionFailure("copyParameters: the source has no buffer named \(name)")
            }
            buffer.anyValue = from.anyValue
        }
    }

    /// One momentum update: `θ ← m · θ + (1 − m) · θ_source` for every parameter, matched by name
    /// (MoCo's key-encoder update, with `m` = 0.99 or 0.999). Buffers (batch-norm running
    /// statistics) are left as they are: the momentum encoder keeps its own.
    ///
    /// - Parameters:
    ///   - source: the trained module, of the same architecture.
    ///   - momentum: `m`, in `[0, 1]`; 0 copies the parameters, 1 keeps them.
    /// - Precondition: both modules have the same parameter names and shapes.
    public func updateMovingAverage(toward source: any Module<Scalar>, momentum: Double) {
        precondition((0...1).contains(momentum), "updateMovingAverage: momentum \(momentum) is outside [0, 1]")
        let keep = Scalar(momentum), take = Scalar(1 - momentum)
        for (target, value) in matchedParameters(self, source, op: "updateMovingAverage") {
            target.value = target.value * keep + value.value * take
        }
    }
}

/// The parameters of `target` paired with the `source` parameters of the same name.
private func matchedParameters<Scalar>(_ target: any Module<Scalar>, _ source: any Module<Scalar>, op: String)
    -> [(Parameter<Scalar>, Parameter<Scalar>)]
{
    let targets = target.namedParameters(), sources = source.namedParameters()
    precondition(targets.map(\.name) == sources.map(\.name),
                 "\(op): the modules' parameter names differ (\(targets.count) vs \(sources.count) parameters); they need the same architecture")
    return zip(targets, sources).map { target, source in
        precondition(target.parameter.shape == source.parameter.shape,
                     "\(op): parameter \(target.name) has shape \(target.parameter.shape) here and \(source.parameter.shape) in the source")
        return (target.parameter, source.parameter)
    }
}
