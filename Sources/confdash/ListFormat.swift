import ArgumentParser
import DashboardCore
import Foundation

/// How a list command prints: a table for people, JSON or CSV for programs.
struct ListFormat: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "Print CSV (RFC 4180) instead of a table.",
            discussion: "The fields of --json, in its order, one column each; dates in ISO 8601 UTC, numbers and true/false as they are, an unknown value empty."))
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv print the same list two ways: choose one") }
    }

    /// Prints `shapes` as JSON or CSV when asked; false when the caller prints its table.
    func printed<Shape: Encodable>(_ shapes: [Shape]) throws -> Bool {
        if json {
            try Output.json(shapes)
            return true
        }
        if csv {
            try Output.csv(shapes)
            return true
        }
        return false
    }
}

extension Output {
    /// `values` as CSV: one column per field of their JSON (the same names, the same order), so
    /// a program reads the same data either way. A list or object inside a field is its JSON.
    /// Nothing at all for an empty list (no record, so no field names to head it).
    static func csv<T: Encodable>(_ values: [T]) throws {
        let encoder = encoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let objects = try JSONDecoder().decode([[String: JSONValue]].self, from: try encoder.encode(values))
        guard !objects.isEmpty else { return }
        let header = Set(objects.flatMap(\.keys)).sorted()
        let text = CSV.text(header: header, rows: objects.map { object in header.map { object[$0]?.csvField ?? "" } })
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// A JSON value as read back from confdash's own output, to be written as a CSV field.
enum JSONValue: Codable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        // Bool before the numbers: JSONDecoder reads neither 0 nor 1 as a Bool, nor true as a number.
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .integer(i)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    var csvField: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d): return String(d)
        case .string(let s): return s
        case .array, .object:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
}
