import Foundation

/// What a training run measured, epoch by epoch: written as `metrics.csv` and drawn as curves.

/// The measurements of one epoch.
public struct EpochRecord: Sendable, Equatable {
    /// The epoch, from 1.
    public var epoch: Int
    /// The optimizer steps taken by the end of the epoch.
    public var step: Int
    /// The mean cross-entropy over the epoch's training batches.
    public var trainLoss: Double
    /// The fraction of training images classified correctly during the epoch, in `[0, 1]`.
    public var trainAccuracy: Double
    /// The fraction of test images classified correctly after the epoch, in `[0, 1]`.
    public var testAccuracy: Double
    /// Wall-clock seconds since the run began (training and testing), at the end of the epoch.
    public var seconds: Double

    /// The record of one epoch.
    public init(epoch: Int, step: Int, trainLoss: Double, trainAccuracy: Double, testAccuracy: Double, seconds: Double) {
        self.epoch = epoch
        self.step = step
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy
        self.seconds = seconds
    }
}

/// The records of a run, in epoch order.
public struct TrainingHistory: Sendable, Equatable {
    /// One record per epoch completed, first to last.
    public var records: [EpochRecord] = []

    /// A history of `records`.
    public init(records: [EpochRecord] = []) {
        self.records = records
    }

    /// The header of `metrics.csv`.
    public static let csvHeader = "epoch,step,trainLoss,trainAccuracy,testAccuracy,seconds"

    /// The records as CSV: the header, then one row per epoch.
    public var csv: String {
        let rows = records.map { record in
            "\(record.epoch),\(record.step),\(record.trainLoss),\(record.trainAccuracy),\(record.testAccuracy),"
                + String(format: "%.3f", record.seconds)
        }
        return ([Self.csvHeader] + rows).joined(separator: "\n") + "\n"
    }

    /// Records read back from `csv` text (as written by `csv`).
    ///
    /// - Throws: `TrainingError.invalidSetting` naming the first row that does not parse.
    public init(csv: String) throws {
        let lines = csv.split(separator: "\n").map(String.init)
        guard lines.first == Self.csvHeader else {
            throw TrainingError.invalidSetting("metrics: the header is not '\(Self.csvHeader)'")
        }
        for (index, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",").map(String.init)
            guard fields.count == 6, let epoch = Int(fields[0]), let step = Int(fields[1]),
                  let numbers = Optional(fields[2...].compactMap(Double.init)), numbers.count == 4 else {
                throw TrainingError.invalidSetting("metrics: row \(index + 1) ('\(line)') does not have six numbers")
            }
            records.append(EpochRecord(epoch: epoch, step: step, trainLoss: numbers[0], trainAccuracy: numbers[1],
                                       testAccuracy: numbers[2], seconds: numbers[3]))
        }
    }

    /// Two charts side by side: the training loss, and the training and test accuracy, against the epoch.
    public func figure(title: String) -> SVGFigure {
        var loss = LinePlot(title: "\(title): loss", xLabel: "epoch", yLabel: "cross-entropy")
        loss.add(LinePlot.Series(name: "train loss", points: records.map { (Double($0.epoch), $0.trainLoss) }))
        var accuracy = LinePlot(title: "\(title): accuracy", xLabel: "epoch", yLabel: "accuracy", yRange: 0...1)
        loss.minimumXStep = 1
        accuracy.minimumXStep = 1
        accuracy.add(LinePlot.Series(name: "train", points: records.map { (Double($0.epoch), $0.trainAccuracy) },
                                     color: LinePlot.palette[0]))
        accuracy.add(LinePlot.Series(name: "test", points: records.map { (Double($0.epoch), $0.testAccuracy) },
                                     color: LinePlot.palette[1]))
        return SVGFigure(panels: [loss, accuracy])
    }
}

/// The result of a run, printed by `zoo train` as its last line.
public struct TrainingSummary: Sendable, Equatable {
    /// The model's name in the registry.
    public var model: String
    /// The dataset's name in the registry.
    public var dataset: String
    /// The epochs completed, including those of a run resumed from.
    public var epochs: Int
    /// The test accuracy after the last epoch, in `[0, 1]`.
    public var testAccuracy: Double
    /// Training images per second over the epochs this process ran (testing excluded).
    public var imagesPerSecond: Double
    /// The process's peak resident memory (`VmHWM`), in MiB; `nil` where `/proc` is missing.
    public var peakMemoryMiB: Double?
    /// Wall-clock seconds of the whole run, including those of a run resumed from.
    public var seconds: Double

    /// A summary of a finished run.
    public init(model: String, dataset: String, epochs: Int, testAccuracy: Double,
                imagesPerSecond: Double, peakMemoryMiB: Double?, seconds: Double) {
        self.model = model
        self.dataset = dataset
        self.epochs = epochs
        self.testAccuracy = testAccuracy
        self.imagesPerSecond = imagesPerSecond
        self.peakMemoryMiB = peakMemoryMiB
        self.seconds = seconds
    }

    /// One line of JSON with the keys in this order: `model`, `dataset`, `epochs`,
    /// `testAccuracy`, `imagesPerSecond`, `peakMemoryMiB`, `seconds`.
    public var jsonLine: String {
        func number(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "null" }
            return String(format: "%.6g", value)
        }
        return "{\"model\":\(jsonString(model)),\"dataset\":\(jsonString(dataset)),\"epochs\":\(epochs),"
            + "\"testAccuracy\":\(number(testAccuracy)),\"imagesPerSecond\":\(number(imagesPerSecond)),"
            + "\"peakMemoryMiB\":\(number(peakMemoryMiB)),\"seconds\":\(number(seconds))}"
    }
}

/// `text` as a JSON string literal, quotes and control characters escaped.
func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

/// The process's peak resident set size (`VmHWM` in `/proc/self/status`) in MiB, or `nil` where
/// it cannot be read.
public func peakResidentMemoryMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let kibibytes = Double(fields[1]) else { return nil }
        return kibibytes / 1024
    }
    return nil
}
