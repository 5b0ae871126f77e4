import CompatAPI
import Foundation

/// The named values of one request, from a query string, a form body or a JSON object body,
/// with the keys exactly as sent (`Parameter1.Name`, `DateCreated<`).
struct RequestParameters: Sendable {
    private(set) var pairs: [(String, String)]

    init(pairs: [(String, String)] = []) {
        self.pairs = pairs
    }

    /// Reads a raw (still percent-encoded) query: `DateCreated%3E=2024-01-01`, `L16%4016000h`.
    init(query: String?) {
        self.init(pairs: FormEncoding.decode(query ?? ""))
    }

    /// Reads a body as JSON when the content type says so (signalwire-sdk sends JSON, even on
    /// GET), else as a form (twilio-python and curl).
    init(body: String, contentType: String?) throws(ServiceError) {
        let isJSON = contentType?.lowercased().contains("json") ?? false
        if isJSON {
            try self.init(json: body)
        } else {
            self.init(pairs: FormEncoding.decode(body))
        }
    }

    private init(json text: String) throws(ServiceError) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            self.init()
            return
        }
        let object: [String: JSONScalar]
        do {
            object = try JSONDecoder().decode([String: JSONScalar].self, from: Data(text.utf8))
        } catch {
            throw ServiceError(
                status: 400, code: ServiceError.Code.invalidArgument,
                message: "The request body is not a JSON object of strings, numbers and booleans")
        }
        self.init(pairs: object.keys.sorted().compactMap { key in object[key]?.formText.map { (key, $0) } })
    }

    var keys: [String] { pairs.map(\.0) }
    var isEmpty: Bool { pairs.isEmpty }

    /// The last value given for `key`, as most form parsers do.
    subscript(key: String) -> String? {
        pairs.last { $0.0 == key }?.1
    }

    /// Values from `other` replace ours for the same key.
    func merging(_ other: RequestParameters) -> RequestParameters {
        let replaced = Set(other.keys)
        return RequestParameters(pairs: pairs.filter { !replaced.contains($0.0) } + other.pairs)
    }

    /// Booleans as the SDKs send them: `true`/`false`, twilio 6's `True`/`False`, any case.
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }
}

/// One value of a JSON body, read the way the form would have carried it.
private enum JSONScalar: Decodable {
    case text(String)
    case bool(Bool)
    case number(String)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .number(String(value))
        } else if let value = try? container.decode(Double.self) {
            self = .number(String(value))
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    /// nil for JSON null, which counts as absent.
    var formText: String? {
        switch self {
        case .text(let value), .number(let value): value
        case .bool(let value): value ? "true" : "false"
        case .null: nil
        }
    }
}
