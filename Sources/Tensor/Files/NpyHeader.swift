/// The header of a `.npy` file: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
///
/// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html. The parser reads
/// the small subset of Python literals that `numpy.save` writes (strings, integers, booleans,
/// tuples, lists, dicts) and reports anything else as a problem rather than guessing.

struct NpyHeader: Equatable {
    var descriptor: String
    var fortranOrder: Bool
    var shape: [Int]

    /// The header text that `numpy.save` writes for this header (without padding).
    var text: String {
        let order = fortranOrder ? "True" : "False"
        let dimensions = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        return "{'descr': '\(descriptor)', 'fortran_order': \(order), 'shape': \(dimensions), }"
    }

    /// Parses the header text, or returns the problem in words.
    static func parse(_ text: String) -> Result<NpyHeader, NpyHeaderProblem> {
        var parser = PythonLiteralParser(Array(text.utf8))
        guard case .dictionary(let entries)? = try? parser.parseValue(), parser.isAtEnd else {
            return .failure(.init("the header is not a Python dict literal: \(text.prefix(120))"))
        }
        guard case .string(let descriptor)? = entries["descr"] else {
            return .failure(.init("the header has no 'descr' string (structured dtypes are not supported)"))
        }
        guard case .boolean(let fortranOrder)? = entries["fortran_order"] else {
            return .failure(.init("the header has no 'fortran_order' True/False"))
        }
        guard case .sequence(let dimensions)? = entries["shape"] else {
            return .failure(.init("the header has no 'shape' tuple"))
        }
        var shape: [Int] = []
        for dimension in dimensions {
            guard case .integer(let size) = dimension, size >= 0 else {
                return .failure(.init("the shape \(dimensions) holds something other than non-negative integers"))
            }
            shape.append(size)
        }
        return .success(NpyHeader(descriptor: descriptor, fortranOrder: fortranOrder, shape: shape))
    }
}

struct NpyHeaderProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The Python literals a `.npy` header may hold.
enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case sequence([PythonLiteral])
    case dictionary([String: PythonLiteral])
}

/// A recursive-descent parser over UTF-8 bytes; every read is bounds-checked.
struct PythonLiteralParser {
    struct Failure: Error {}
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool {
        var copy = self
        copy.skipSpace()
        return copy.position == bytes.count
    }

    private mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    private mutating func peek() -> UInt8? {
        skipSpace()
        return position < bytes.count ? bytes[position] : nil
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else { throw Failure() }
        position += 1
    }

    mutating func parseValue() throws -> PythonLiteral {
        depth += 1
        defer { depth -= 1 }
        guard depth < 32, let first = peek() else { throw Failure() }  // a bounded depth: no stack overflow
        switch first {
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "("): return .sequence(try parseItems(closing: UInt8(ascii: ")")))
        case UInt8(ascii: "["): return .sequence(try parseItems(closing: UInt8(ascii: "]")))
        case UInt8(ascii: "{"): return .dictionary(try parseDictionary())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
        default:
            for (word, value) in [("True", true), ("False", false)] where bytes[position...].starts(with: word.utf8) {
                position += word.utf8.count
                return .boolean(value)
            }
            throw Failure()
        }
    }

    private mutating func parseString() throws -> String {
        let quote = bytes[position]
        position += 1
        let start = position
        while position < bytes.count, bytes[position] != quote {
            if bytes[position] == UInt8(ascii: "\\") { throw Failure() }  // numpy never escapes
            position += 1
        }
        guard position < bytes.count else { throw Failure() }
        defer { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func parseInteger() throws -> Int {
        var negative = false
        if bytes[position] == UInt8(ascii: "-") { negative = true; position += 1 }
        var value = 0
        var digits = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { throw Failure() }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw Failure() }
        if position < bytes.count, bytes[position] == UInt8(ascii: "L") { position += 1 }  // Python 2 longs
        return negative ? -value : value
    }

    private mutating func parseItems(closing: UInt8) throws -> [PythonLiteral] {
        position += 1
        var items: [PythonLiteral] = []
        while peek() != closing {
            items.append(try parseValue())
            if peek() == UInt8(ascii: ",") { position += 1 } else { break }
        }
        try expect(closing)
        return items
    }

    private mutating func parseDictionary() throws -> [String: PythonLiteral] {
        position += 1
        var entries: [String: PythonLiteral] = [:]
        while peek() != UInt8(ascii: "}") {
            guard case .string(let key) = try parseValue() else { throw Failure() }
            try expect(UInt8(ascii: ":"))
            entries[key] = try parseValue()
            if peek() == UInt8(ascii: ",") { position += 1 } else { break }
        }
        try expect(UInt8(ascii: "}"))
        return entries
    }
}
