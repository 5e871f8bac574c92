#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether operations record nodes, and whether anomaly detection is on — per thread, never a
/// process-wide flag that one part of a program could flip under another.
///
/// Scopes are synchronous (`withoutRecording` takes a non-`async` body), so a scope's body runs
/// on the thread that entered it from start to end, in a task as anywhere else. A thread or task
/// started inside a scope does not inherit it: it records by default, as a new thread does in
/// PyTorch, whose gradient mode is thread-local too.
public enum GradientMode {
    /// Both settings, read together: every op reads them once.
    struct Settings {
        var isRecording = true
        var isDetectingAnomalies = false

        /// The settings as the bits of a thread-specific word: 0 is the defaults, so a thread
        /// that never entered a scope needs no set-up.
        fileprivate var bits: UInt { (isRecording ? 0 : 1) | (isDetectingAnomalies ? 2 : 0) }
        fileprivate init(bits: UInt) {
            isRecording = bits & 1 == 0
            isDetectingAnomalies = bits & 2 != 0
        }
        init() {}
    }

    /// The thread-specific word that holds each thread's settings. Read by every op: a
    /// thread-specific read is a few instructions, where a `@TaskLocal` read cost about 80
    /// (a lookup of the current task and a walk of its bindings), 3 % of a small op.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "GradientMode: pthread_key_create failed with error \(status)")
        return key
    }()

    /// The calling thread's settings.
    static var settings: Settings {
        @inline(__always) get { Settings(bits: UInt(bitPattern: pthread_getspecific(key))) }
    }

    /// Whether operations on variables currently record nodes.
    public static var isEnabled: Bool { settings.isRecording }

    /// Runs `body` with recording switched off: results are constants and no graph is kept
    /// (evaluation, optimizer updates, metrics).
    public static func withoutRecording<Result>(_ body: () throws -> Result) rethrows -> Result {
        try withSettings({ $0.isRecording = false }, body)
    }

    /// Runs `body` stopping at the first operation, forward or backward, whose result holds NaN or
    /// infinity, with a message naming the op and the file and line that called it.
    public static func detectingAnomalies<Result>(_ body: () throws -> Result) rethrows -> Result {
        try withSettings({ $0.isDetectingAnomalies = true }, body)
    }

    /// Runs `body`, a backward sweep, with recording on or off (on under `createGraph: true`)
    /// and without anomaly checks of single ops: the sweep checks what each VJP returns itself.
    static func sweeping<Result>(recording: Bool, _ body: () throws -> Result) rethrows -> Result {
        try withSettings({ $0.isRecording = recording; $0.isDetectingAnomalies = false }, body)
    }

    /// Runs `body` with the current settings as `change` leaves them, and puts the settings back
    /// afterwards, also when `body` throws.
    private static func withSettings<Result>(
        _ change: (inout Settings) -> Void, _ body: () throws -> Result
    ) rethrows -> Result {
        let outer = settings
        var changed = outer
        change(&changed)
        store(changed)
        defer { store(outer) }
        return try body()
    }

    /// Makes `settings` the calling thread's.
    private static func store(_ settings: Settings) {
        let status = pthread_setspecific(key, UnsafeRawPointer(bitPattern: settings.bits))
        precondition(status == 0, "GradientMode: pthread_setspecific failed with error \(status)")
    }
}

/// Runs `body` without recording any operation (a shorthand for `GradientMode.withoutRecording`).
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientMode.withoutRecording(body)
}
