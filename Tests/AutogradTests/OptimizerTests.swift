import Testing
import Autograd
import _TestSupport

/// The quadratic of `scripts/fixtures/optimizers.py`: parameters `w` [2, 3] and `b` [3],
/// `loss = Σ a_w·w + ½ Σ q_w·w² + Σ a_b·b + ½ Σ q_b·b²`, whose gradient `a + q·p` moves with them.
private struct Quadratic {
    let fixture: Fixture
    let w: Parameter<Double>
    let b: Parameter<Double>

    init() throws {
        fixture = try Fixture("optimizers", bundle: .module)
        w = Parameter(fixture.tensor("w"))
        b = Parameter(fixture.tensor("b"))
    }

    func gradients() -> Gradients<Double> {
        func term(_ parameter: Parameter<Double>, _ name: String) -> Variable<Double> {
            let p = parameter.variable
            let linear = Variable(fixture.tensor("a_\(name)")) * p
            let curvature = Variable(fixture.tensor("q_\(name)")) * p * p * 0.5
            return (linear + curvature).sum()
        }
        return (term(w, "w") + term(b, "b")).backward()
    }

    /// Takes three steps and compares both parameters after each with PyTorch's.
    func expectTrajectory(_ name: String, of optimizer: some Optimizer<Double>, sourceLocation: SourceLocation = #_sourceLocation) {
        for step in 1...3 {
            optimizer.update(along: gradients())
            assertClose(w.value, fixture.tensor("\(name)_w_\(step)"), absolute: 1e-12, relative: 1e-10, "\(name) w, step \(step)", sourceLocation: sourceLocation)
            assertClose(b.value, fixture.tensor("\(name)_b_\(step)"), absolute: 1e-12, relative: 1e-10, "\(name) b, step \(step)", sourceLocation: sourceLocation)
        }
        #expect(optimizer.step == 3, sourceLocation: sourceLocation)
    }
}

@Suite struct OptimizerTests {
    @Test func sgdMatchesPyTorch() throws {
        var model = try Quadratic()
        model.expectTrajectory("sgd", of: SGD(parameters: [model.w, model.b], learningRate: 0.1))
        model = try Quadratic()
        model.expectTrajectory("sgd_momentum", of: SGD(parameters: [model.w, model.b], learningRate: 0.1, momentum: 0.9,
                                                       dampening: 0.1, weightDecay: 0.01))
        model = try Quadratic()
        model.expectTrajectory("sgd_nesterov", of: SGD(parameters: [model.w, model.b], learningRate: 0.1, momentum: 0.9,
                                                       nesterov: true, weightDecay: 0.01))
    }

    @Test func adamMatchesPyTorch() throws {
        var model = try Quadratic()
        model.expectTrajectory("adam", of: Adam(parameters: [model.w, model.b], learningRate: 0.1))
        model = try Quadratic()
        model.expectTrajectory("adam_amsgrad", of: Adam(parameters: [model.w, model.b], learningRate: 0.1, beta1: 0.5, beta2: 0.6,
                                                        weightDecay: 0.1, amsgrad: true))
    }

    @Test func adamWMatchesPyTorch() throws {
        var model = try Quadratic()
        model.expectTrajectory("adamw", of: AdamW(parameters: [model.w, model.b], learningRate: 0.1, weightDecay: 0.1))
        model = try Quadratic()
        model.expectTrajectory("adamw_amsgrad", of: AdamW(parameters: [model.w, model.b], learningRate: 0.1, beta1: 0.5, beta2: 0.6,
                                                          weightDecay: 0.1, amsgrad: true))
    }

    @Test func rmspropMatchesPyTorch() throws {
        var model = try Quadratic()
        model.expectTrajectory("rmsprop", of: RMSprop(parameters: [model.w, model.b], learningRate: 0.01))
        model = try Quadratic()
        model.expectTrajectory("rmsprop_centered", of: RMSprop(parameters: [model.w, model.b], learningRate: 0.01, alpha: 0.9,
                                                               weightDecay: 0.1, momentum: 0.5, centered: true))
    }

    @Test func parameterGroupsHaveTheirOwnRatesAndDecay() throws {
        var model = try Quadratic()
        model.expectTrajectory("sgd_groups", of: SGD(groups: [
            ParameterGroup(parameters: [model.w], learningRate: 0.1, weightDecay: 0.1),
            ParameterGroup(parameters: [model.b], learningRate: 0.5),
        ], momentum: 0.9))
        model = try Quadratic()
        model.expectTrajectory("adamw_groups", of: AdamW(groups: [
            ParameterGroup(parameters: [model.w], learningRate: 0.05, weightDecay: 0.5),
            ParameterGroup(parameters: [model.b], learningRate: 0.2, weightDecay: 0),
        ]))
    }

    @Test func splittingWeightDecayExemptsBiases() {
        var generator = PhiloxGenerator(seed: 1)
        let model = Sequential<Float>([Linear(inputFeatures: 3, outputFeatures: 2, using: &generator),
                                       Linear(inputFeatures: 2, outputFeatures: 1, using: &generator)])
        let groups = ParameterGroup.splittingWeightDecay(model.namedParameters(), learningRate: 0.1, weightDecay: 0.05)
        #expect(groups.map(\.names) == [["0.weight", "1.weight"], ["0.bias", "1.bias"]])
        #expect(groups.map(\.weightDecay) == [0.05, 0])
        let optimizer = AdamW(groups: groups)
        #expect(optimizer.state.namedParameters.map(\.name) == ["0.weight", "1.weight", "0.bias", "1.bias"])
    }

    @Test func frozenAndUnusedParametersAreLeftAlone() throws {
        let model = try Quadratic()
        let unused = Parameter(Tensor<Double>([1, 2]))
        model.b.requiresGradient = false
        let optimizer = SGD(parameters: [model.w, model.b, unused], learningRate: 0.1, momentum: 0.9)
        let before = model.b.value
        optimizer.update(along: model.gradients())
        #expect(model.b.value == before)
        #expect(unused.value == Tensor([1, 2]))
        #expect(optimizer.state.slots(for: unused).isEmpty)
        #expect(optimizer.state.slots(for: model.w)["momentum_buffer"] != nil)
    }

    @Test func updatesWriteIntoTheParametersStorage() {
        var generator = PhiloxGenerator(seed: 3)
        let layer = Linear<Float>(inputFeatures: 3, outputFeatures: 2, using: &generator)
        let optimizers: [any Optimizer<Float>] = [
            SGD(parameters: layer.parameters, learningRate: 0.1, momentum: 0.9, weightDecay: 0.1),
            Adam(parameters: layer.parameters, amsgrad: true),
            AdamW(parameters: layer.parameters),
            RMSprop(parameters: layer.parameters, momentum: 0.5, centered: true),
        ]
        for optimizer in optimizers {
            for _ in 0..<2 {
                let gradients = layer(Variable(Tensor<Float>.ones([1, 3]))).sum().backward()
                let address = layer.weight.value.storage.base
                optimizer.update(along: gradients)
                #expect(layer.weight.value.storage.base == address, "\(type(of: optimizer))")
            }
        }
    }

    @Test func learningRateFollowsTheSchedulePerGroup() throws {
        let model = try Quadratic()
        let optimizer = SGD(groups: [ParameterGroup(parameters: [model.w], learningRate: 0.1),
                                     ParameterGroup(parameters: [model.b], learningRate: 1)])
        optimizer.applySchedule(StepSchedule(stepSize: 2, gamma: 0.5), at: 5)
        #expect(optimizer.parameterGroups.map(\.learningRate) == [0.025, 0.25])
        #expect(optimizer.parameterGroups.map(\.initialLearningRate) == [0.1, 1])
        // A step with learning rate 0.025 moves w by exactly 0.025 × its gradient.
        let gradient = model.gradients()[model.w]!
        let before = model.w.value
        optimizer.update(along: model.gradients())
        assertClose(model.w.value, before - gradient * 0.025, absolute: 1e-15)
        optimizer.learningRate = 0.3
        #expect(optimizer.parameterGroups.map(\.learningRate) == [0.3, 0.3])
    }

    @Test func clippingByGlobalNormMatchesPyTorch() throws {
        let fixture = try Fixture("optimizers", bundle: .module)
        let w = Parameter(Tensor<Double>.zeros([2, 3])), b = Parameter(Tensor<Double>.zeros([3]))
        // Σ g⊙p has gradient g: a way to hand chosen gradients to the clipping functions.
        let loss = (Variable(fixture.tensor("clip_gradient_w")) * w.variable).sum()
            + (Variable(fixture.tensor("clip_gradient_b")) * b.variable).sum()
        let gradients = loss.backward()
        for (label, order, maximum) in [("norm2", 2.0, 1.5), ("norminf", Double.infinity, 1.0), ("norm2_large", 2.0, 100.0)] {
            let (clipped, total) = gradients.clippedByGlobalNorm(maximum, of: [w, b], order: order)
            assertClose([total], fixture.entries["clip_\(label)_total"]!.data, absolute: 1e-12, "\(label)")
            assertClose(clipped[w]!, fixture.tensor("clip_\(label)_w"), absolute: 1e-12, relative: 1e-12, "\(label)")
            assertClose(clipped[b]!, fixture.tensor("clip_\(label)_b"), absolute: 1e-12, relative: 1e-12, "\(label)")
        }
        #expect(gradients.clippedByGlobalNorm(1.5, of: [w, b]).gradients[w]! != gradients[w]!, "the norm-2 case must clip")
        let byValue = gradients.clippedByValue(0.5, of: [w, b])
        assertClose(byValue[w]!, fixture.tensor("clip_value_w"), absolute: 0)
        assertClose(byValue[b]!, fixture.tensor("clip_value_b"), absolute: 0)
        // The original gradients are unchanged: clipping returns a copy.
        assertClose(gradients[w]!, fixture.tensor("clip_gradient_w"), absolute: 0)
    }

    @Test func optimizerStateIsKeyedByParameterName() throws {
        var generator = PhiloxGenerator(seed: 2)
        let model = Sequential<Float>([Linear(inputFeatures: 3, outputFeatures: 2, using: &generator)])
        let optimizer = Adam(namedParameters: model.namedParameters(), learningRate: 0.01, amsgrad: true)
        optimizer.update(along: model(Variable(Tensor<Float>.ones([4, 3]))).sum().backward())
        let keys = optimizer.stateTensors.keys.sorted()
        #expect(keys.contains("state.0.weight.exp_avg_sq"))
        #expect(keys.contains("state.0.bias.max_exp_avg_sq"))
        #expect(keys.contains("param_groups.0.lr") && keys.contains("hyperparameters.beta2") && keys.contains("step"))
        let numbered = SGD(parameters: model.parameters, learningRate: 0.1, momentum: 0.9)
        numbered.update(along: model(Variable(Tensor<Float>.ones([4, 3]))).sum().backward())
        #expect(numbered.stateTensors.keys.filter { $0.hasPrefix("state.") }.sorted() == ["state.0.momentum_buffer", "state.1.momentum_buffer"])
    }
}
