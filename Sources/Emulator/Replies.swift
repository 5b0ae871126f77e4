import CompatAPI
import Foundation
import Hummingbird
import NIOCore

/// How the emulator answers: JSON bodies encoded from CompatAPI's wire models, so their shape
/// is the spec's, and errors in the service's two error shapes.
enum Replies {
    static func json<Value: Encodable>(_ value: Value, status: Int = 200, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            return Response(status: .internalServerError)
        }
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: ServiceError, headers: HTTPFields = [:]) -> Response {
        json(error, status: error.status, headers: headers)
    }

    static func noContent() -> Response {
        Response(status: .noContent)
    }
}
