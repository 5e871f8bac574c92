/// Whether operations record nodes, and whether anomaly detection is on — per task or thread,
/// never a process-wide flag that one part of a program could flip under another.
public enum GradientMode {
    /// Both settings in one task-local value: every op reads them, and one read costs about as
    /// much as the rest of the bookkeeping of a small op, so they are read together, once.
    struct Settings {
        var isRecording = true
        var isDetectingAnomalies = false
    }
    @TaskLocal static var settings = Settings()

    /// Whether operations on variables currently record nodes.
    public static var isEnabled: Bool { settings.isRecording }

    /// Runs `body` with recording switched off: results are constants and no graph is kept
    /// (evaluation, optimizer updates, metrics).
    public static func withoutRecording<Result>(_ body: () throws -> Result) rethrows -> Result {
        try withRecording(false, body)
    }

    /// Runs `body` with recording switched on or off (used by `backward`: on under
    /// `createGraph: true`, off otherwise).
    static func withRecording<Result>(_ enabled: Bool, _ body: () throws -> Result) rethrows -> Result {
        try withSettings({ $0.isRecording = enabled }, body)
    }

    /// Runs `body` stopping at the first operation, forward or backward, whose result holds NaN or
    /// infinity, with a message naming the op and the file and line that called it.
    public static func detectingAnomalies<Result>(_ body: () throws -> Result) rethrows -> Result {
        try withSettings({ $0.isDetectingAnomalies = true }, body)
    }

    /// Runs `body` with the current settings as `change` leaves them.
    private static func withSettings<Result>(
        _ change: (inout Settings) -> Void, _ body: () throws -> Result
    ) rethrows -> Result {
        var changed = settings
        change(&changed)
        return try $settings.withValue(changed, operation: body)
    }
}

/// Runs `body` without recording any operation (a shorthand for `GradientMode.withoutRecording`).
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientMode.withoutRecording(body)
}
