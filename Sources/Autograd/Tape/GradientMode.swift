/// Whether operations record nodes, and whether anomaly detection is on — per task or thread,
/// never a process-wide flag that one part of a program could flip under another.
public enum GradientMode {
    @TaskLocal static var isRecording = true
    @TaskLocal static var isDetectingAnomalies = false

    /// Whether operations on variables currently record nodes.
    public static var isEnabled: Bool { isRecording }

    /// Runs `body` with recording switched off: results are constants and no graph is kept
    /// (evaluation, optimizer updates, metrics).
    public static func withoutRecording<Result>(_ body: () throws -> Result) rethrows -> Result {
        try $isRecording.withValue(false, operation: body)
    }

    /// Runs `body` with recording switched on again (used by `backward(createGraph: true)`).
    static func withRecording<Result>(_ enabled: Bool, _ body: () throws -> Result) rethrows -> Result {
        try $isRecording.withValue(enabled, operation: body)
    }

    /// Runs `body` stopping at the first operation, forward or backward, whose result holds NaN or
    /// infinity, with a message naming the op and the file and line that called it.
    public static func detectingAnomalies<Result>(_ body: () throws -> Result) rethrows -> Result {
        try $isDetectingAnomalies.withValue(true, operation: body)
    }
}

/// Runs `body` without recording any operation (a shorthand for `GradientMode.withoutRecording`).
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientMode.withoutRecording(body)
}
