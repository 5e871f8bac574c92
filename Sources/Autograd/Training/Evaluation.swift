/// Evaluation: running a model in eval mode with nothing recorded, then putting it back.

/// Runs `body` with every module of `model` in evaluation mode (dropout off, batch norm on its
/// running statistics) and no operation recorded, then restores each module's own mode — also
/// when `body` throws, and also a tree whose modules were in different modes (a frozen backbone
/// kept in eval mode under a head in training mode).
///
/// PyTorch's `model.eval()` + `with torch.no_grad():` + `model.train(was_training)`.
///
/// - Returns: what `body` returns.
public func evaluate<Model: Module, Result>(_ model: Model, _ body: () throws -> Result) rethrows -> Result {
    let modes = model.namedModules().map { ($0.module, $0.module.isTraining) }
    model.eval()
    defer { for (module, wasTraining) in modes { module.isTraining = wasTraining } }
    return try withoutGradients(body)
}

/// Runs `body` on each batch of `batches` with `model` in evaluation mode and no operation
/// recorded, then restores each module's own mode (see `evaluate(_:_:)`).
///
/// ```swift
/// var loss = RunningMean(), accuracy = Accuracy()
/// evaluate(model, on: testLoader) { batch in
///     let logits = model(Variable(batch.features))
///     loss.add(crossEntropy(logits: logits, labels: batch.labels).value.scalar, count: batch.labels.count)
///     accuracy.add(logits: logits.value, labels: batch.labels)
/// }
/// ```
public func evaluate<Model: Module, Batches: Sequence>(
    _ model: Model, on batches: Batches, _ body: (Batches.Element) throws -> Void
) rethrows {
    try evaluate(model) {
        for batch in batches { try body(batch) }
    }
}
