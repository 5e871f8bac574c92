#if canImport(Runtime)
import Runtime
#endif

/// Where the caller's code called a differentiable operation, for anomaly messages.
///
/// An operator (`x * y`) cannot take `#fileID` and `#line` arguments, and the ones an op passes
/// on name the op's own file in Autograd. So in anomaly mode, and only there (capturing costs a
/// few microseconds), each recorded op keeps its call stack, as PyTorch's anomaly mode keeps the
/// forward traceback; when the op turns out to produce NaN or infinity, the stack is symbolicated
/// and the message names the first frame in the caller's code. Without debug information, or
/// where the `Runtime` module is missing, the message falls back to the op's own file and line.
final class CallSite: Sendable {
    #if canImport(Runtime)
    private let backtrace: Backtrace?
    #endif

    /// The current call stack.
    @inline(never)
    init() {
        #if canImport(Runtime)
        backtrace = try? Backtrace.capture(limit: 128)
        #endif
    }

    /// Where an op was called, as anomaly messages name it: the caller's line from `callSite`'s
    /// stack, or the `file` and `line` the op passed on (no stack kept, no debug information).
    static func location(_ callSite: CallSite?, file: StaticString, line: UInt) -> String {
        callSite?.callerLocation() ?? "\(file):\(line)"
    }

    /// `path:line` of the innermost frame outside Tensor and Autograd that called into them.
    private func callerLocation() -> String? {
        #if canImport(Runtime)
        guard let frames = backtrace?.symbolicated()?.frames else { return nil }
        var insideLibrary = false
        for frame in frames {
            guard let symbol = frame.symbol else { continue }
            if CallSite.isLibrary(symbol.rawName) {
                insideLibrary = true
            } else if insideLibrary, CallSite.isCallersCode(symbol.rawName), let location = symbol.sourceLocation {
                return "\(location.path):\(location.line)"
            }
        }
        #endif
        return nil
    }

    /// Whether a symbol belongs to Tensor or Autograd (mangled names start with the module's).
    private static func isLibrary(_ name: String) -> Bool {
        name.hasPrefix("$s8Autograd") || name.hasPrefix("$s6Tensor")
    }

    /// Whether a symbol is the caller's: Swift code of another module (a mangled name that starts
    /// with its module's name, unlike the standard library's `$ss…` and `$sS…`), or a C symbol
    /// such as a script's `main`. Runtime and thunk frames have no source location and are
    /// skipped by the caller of this function.
    private static func isCallersCode(_ name: String) -> Bool {
        guard name.hasPrefix("$s") else { return true }
        return name.dropFirst(2).first?.isNumber ?? false
    }
}
