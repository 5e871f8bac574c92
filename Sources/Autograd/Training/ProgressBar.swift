/// A progress bar for long loops: step, loss, throughput and time left, on one redrawn line on a
/// terminal and as plain periodic lines in a log file.

import Foundation

/// Where a progress bar writes, and whether that is a terminal it may redraw with `\r`.
public struct ProgressOutput {
    /// Whether the output is an interactive terminal: one line redrawn in place. Otherwise
    /// (a log file, a pipe, a notebook cell) whole lines are written now and then.
    public var isTerminal: Bool
    /// Writes text exactly as given (it carries its own `\r` and `\n`).
    public var write: (String) -> Void

    /// An output that redraws one line when `isTerminal`, and passes the text to `write`.
    public init(isTerminal: Bool, write: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        self.write = write
    }

    /// Standard error, redrawn in place when it is a terminal (`isatty`); like `tqdm`.
    public static var standardError: ProgressOutput {
        ProgressOutput(isTerminal: isatty(STDERR_FILENO) == 1) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}

/// A progress bar for a loop of known (or unknown) length, like `tqdm`:
///
/// ```text
/// epoch 3  370/1000 [█████████···············]  37% loss 0.4123 acc 0.8800 812.3 img/s ETA 0:12
/// ```
///
/// On a terminal the line is redrawn in place (`\r`) at most every `redrawInterval` seconds;
/// otherwise a plain line is written every `lineInterval` seconds, so a log file gets a readable
/// record instead of thousands of carriage returns. `finish()` writes the final state.
///
/// ```swift
/// let progress = ProgressBar(total: loader.count, label: "epoch \(epoch)", unit: "img")
/// for batch in loader {
///     …
///     progress.update(loss: runningLoss.mean, items: batch.labels.count)
/// }
/// progress.finish()
/// ```
public final class ProgressBar {
    /// The number of steps, or `nil` when unknown (no bar, percentage or ETA then).
    public let total: Int?
    /// Text shown before the counts (`"epoch 3"`).
    public let label: String
    /// The name of the items counted for the throughput (`"img"`, `"tok"`; `"it"`: steps).
    public let unit: String
    /// The steps completed so far.
    public private(set) var step = 0
    /// The items processed so far (the throughput's numerator).
    public private(set) var items = 0

    private let output: ProgressOutput
    private let clock: () -> Double
    private let barWidth: Int
    private let redrawInterval: Double
    private let lineInterval: Double
    private let start: Double
    private var lastWrite: Double?
    private var lastLength = 0
    private var loss: Double?
    private var metrics: [(name: String, value: Double)] = []
    private var finished = false

    /// - Parameters:
    ///   - total: the number of steps, `nil` when unknown.
    ///   - label: text shown first (`"epoch 3"`, `"eval"`).
    ///   - unit: what `items` counts, for the throughput (`"img/s"`).
    ///   - barWidth: the bar's width in characters.
    ///   - redrawInterval: the least seconds between redraws on a terminal.
    ///   - lineInterval: the seconds between plain lines when the output is not a terminal.
    ///   - output: where to write; standard error by default. Tests pass a closure that collects.
    ///   - clock: monotonic seconds; the system's monotonic clock by default. Tests pass a fake.
    public init(total: Int?, label: String = "", unit: String = "it", barWidth: Int = 24,
                redrawInterval: Double = 0.1, lineInterval: Double = 30,
                output: ProgressOutput = .standardError, clock: @escaping () -> Double = ProgressBar.monotonicSeconds) {
        precondition(total.map { $0 >= 0 } ?? true, "ProgressBar: total \(total!) must be ≥ 0")
        self.total = total
        self.label = label
        self.unit = unit
        self.barWidth = barWidth
        self.redrawInterval = redrawInterval
        self.lineInterval = lineInterval
        self.output = output
        self.clock = clock
        self.start = clock()
    }

    /// Seconds on the monotonic clock (never jumps with the wall clock).
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// Records one finished step of `items` items (the batch size, for the throughput) with
    /// the loss and other metrics to show (a running mean reads better than the last batch's),
    /// and redraws if it is time to.
    public func update(loss: Double? = nil, metrics: KeyValuePairs<String, Double> = [:], items: Int = 1) {
        step += 1
        self.items += items
        if let loss { self.loss = loss }
        if !metrics.isEmpty { self.metrics = metrics.map { (name: $0.key, value: $0.value) } }
        let now = clock()
        if step == total { return draw(at: now, final: true) }
        let interval = output.isTerminal ? redrawInterval : lineInterval
        if now - (lastWrite ?? start) >= interval { draw(at: now, final: false) }
    }

    /// Writes the final state (once): the last line on a terminal ends with a newline.
    public func finish() {
        if !finished { draw(at: clock(), final: true) }
    }

    private func draw(at now: Double, final: Bool) {
        lastWrite = now
        finished = final
        let line = render(elapsed: now - start, final: final)
        guard output.isTerminal else { return output.write(line + "\n") }
        // Spaces clear what is left of a longer previous line (works on any terminal).
        let padding = String(repeating: " ", count: Swift.max(lastLength - line.count, 0))
        lastLength = line.count
        output.write("\r" + line + padding + (final ? "\n" : ""))
    }

    /// The text of the line, without `\r` or `\n`.
    func render(elapsed: Double, final: Bool) -> String {
        var parts: [String] = []
        if !label.isEmpty { parts.append(label) }
        if let total {
            let digits = String(total).count
            let counter = String(repeating: " ", count: Swift.max(digits - String(step).count, 0)) + "\(step)/\(total)"
            let fraction = total == 0 ? 1 : Swift.min(Double(step) / Double(total), 1)
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: barWidth - filled)
            parts.append("\(counter) [\(bar)] \(String(format: "%3d", Int((fraction * 100).rounded(.down))))%")
        } else {
            parts.append("\(step)")
        }
        if let loss { parts.append("loss " + String(format: "%.4f", loss)) }
        for metric in metrics { parts.append("\(metric.name) " + String(format: "%.4f", metric.value)) }
        if elapsed > 0 { parts.append(String(format: "%.1f", Double(items) / elapsed) + " \(unit)/s") }
        if final {
            parts.append("in " + formatDuration(elapsed))
        } else if let total, step > 0 {
            parts.append("ETA " + formatDuration(elapsed / Double(step) * Double(total - step)))
        }
        return parts.joined(separator: " ")
    }
}

/// `m:ss`, or `h:mm:ss` from an hour on.
func formatDuration(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded())
    let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
    return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
}
