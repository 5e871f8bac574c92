/// Walking a module tree: parameters and buffers by dotted name, modes, freezing, counting.

extension Module {
    /// Every module in the tree with its dotted path (`""` for this one), parents first.
    public func namedModules(prefix: String = "") -> [(name: String, module: any Module<Scalar>)] {
        var result: [(name: String, module: any Module<Scalar>)] = [(prefix, self)]
        for (key, member) in members {
            if case .module(let child) = member {
                result += child.namedModules(prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
            }
        }
        return result
    }

    /// Every parameter in the tree by dotted name, in declaration order; a parameter shared by
    /// two modules is listed once, under its first name (as PyTorch does).
    public func namedParameters() -> [(name: String, parameter: Parameter<Scalar>)] {
        var seen: Set<ObjectIdentifier> = []
        var result: [(name: String, parameter: Parameter<Scalar>)] = []
        for (path, module) in namedModules() {
            for (key, member) in module.members {
                if case .parameter(let parameter) = member, seen.insert(ObjectIdentifier(parameter)).inserted {
                    result.append((path.isEmpty ? key : "\(path).\(key)", parameter))
                }
            }
        }
        return result
    }

    /// Every parameter in the tree, in declaration order.
    public var parameters: [Parameter<Scalar>] { namedParameters().map(\.parameter) }

    /// Every buffer in the tree by dotted name (batch-norm running statistics …).
    public func namedBuffers() -> [(name: String, buffer: any AnyBuffer)] {
        namedModules().flatMap { path, module in
            module.members.compactMap { key, member -> (name: String, buffer: any AnyBuffer)? in
                guard case .buffer(let buffer) = member else { return nil }
                return (path.isEmpty ? key : "\(path).\(key)", buffer)
            }
        }
    }

    /// Puts the whole tree in training mode (or evaluation mode when `on` is false).
    public func train(_ on: Bool = true) {
        for (_, module) in namedModules() { module.isTraining = on }
    }

    /// Puts the whole tree in evaluation mode: dropout off, batch norm uses running statistics.
    public func eval() { train(false) }

    /// Stops training every parameter of the tree (a frozen backbone, a linear probe).
    public func freeze() { for parameter in parameters { parameter.requiresGradient = false } }

    /// Trains every parameter of the tree again.
    public func unfreeze() { for parameter in parameters { parameter.requiresGradient = true } }

    /// The number of scalars in all parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// The number of scalars in the parameters that are trained.
    public var trainableParameterCount: Int { parameters.filter(\.requiresGradient).reduce(0) { $0 + $1.count } }
}
