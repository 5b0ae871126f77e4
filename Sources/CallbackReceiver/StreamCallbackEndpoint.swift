import CompatAPI
import Foundation
import Hummingbird
import Ledger
import Logging
import NIOCore
import Synchronization

/// Turns one HTTP request to the receiver into an answer: only a callback whose signature
/// proves it came from the service reaches the ledger and the screen.
struct StreamCallbackEndpoint: Sendable {
    /// A callback is a dozen short fields; a body this large is not one.
    static let maxBodyBytes = 64 * 1024

    /// The URL the service signed, without its query: the public URL, or nil for the receiver's own.
    let publicBase: String?
    /// The bind host, for the receiver's own URL.
    let host: String
    let signingKeys: SigningKeyRing
    let ledger: StreamLedger
    let logger: Logger
    let now: @Sendable () -> Date
    let onEvent: @Sendable (ReceivedStreamEvent) -> Void

    func respond(to request: Request, context: CallbackRequestContext) async -> Response {
        guard request.uri.path == CallbackReceiverSettings.path else { return Response(status: .notFound) }
        guard request.method == .post || request.method == .get else {
            var headers = HTTPFields()
            headers[.allow] = "GET, POST"
            return Response(status: .methodNotAllowed, headers: headers)
        }

        // The service sends the fields as a form body on POST and in the query on GET; on GET
        // the query is part of the signed URL and the signature covers no parameters.
        let fields: [(String, String)]
        let signedParameters: [(String, String)]
        if request.method == .post {
            var request = request
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > Self.maxBodyBytes {
                return tooLarge(context: context)
            }
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: Self.maxBodyBytes)
            } catch is NIOTooManyBytesError {
                return tooLarge(context: context)
            } catch {
                logger.warning(
                    "stream callback body could not be read",
                    metadata: ["remote": "\(context.remoteDescription)", "error": "\(error)"])
                return Self.text(.badRequest, "the request body could not be read")
            }
            fields = FormEncoding.decode(String(buffer: body))
            signedParameters = fields
        } else {
            fields = FormEncoding.decode(request.uri.query ?? "")
            signedParameters = []
        }

        let url = signedURL(query: request.uri.query, localPort: context.localPort)
        guard let signature = Self.signature(in: request.headers), !signature.isEmpty else {
            return refuse("stream callback without a signature", fields: fields, context: context)
        }
        guard
            signingKeys.keys.contains(where: {
                WebhookSignature.verify(signature: signature, url: url, parameters: signedParameters, key: $0)
            })
        else {
            return refuse("stream callback with a signature that does not match", fields: fields, context: context)
        }

        let receivedAt = now()
        let callback: StreamCallback
        do {
            callback = try StreamCallback.parse(fields, receivedAt: receivedAt)
        } catch {
            logger.warning(
                "signed stream callback is missing fields",
                metadata: ["remote": "\(context.remoteDescription)", "missing": "\(error.missingFields)"])
            return Self.text(.badRequest, error.description)
        }

        let outcome: CallbackOutcome
        do {
            outcome = try await ledger.applyCallback(callback)
        } catch {
            // A 5xx lets a service that retries try again once the ledger is writable.
            logger.error(
                "stream callback could not be recorded",
                metadata: [
                    "stream": "\(callback.streamSid)", "conference": "\(callback.conferenceSid)",
                    "event": "\(callback.event.rawValue)", "error": "\(error)",
                ])
            return Self.text(.internalServerError, "the stream ledger could not record the callback")
        }
        logger.info(
            "stream callback applied",
            metadata: [
                "stream": "\(callback.streamSid)", "conference": "\(callback.conferenceSid)",
                "event": "\(callback.event.rawValue)", "outcome": "\(outcome)",
            ])
        onEvent(
            ReceivedStreamEvent(
                streamSid: callback.streamSid, conferenceSid: callback.conferenceSid, streamName: callback.streamName,
                event: callback.event, reason: callback.error, outcome: outcome, at: callback.at))
        return Response(status: .noContent)
    }

    /// The URL the service signed: scheme, host and path from the public URL (a proxy in front
    /// may rewrite the path it forwards to) or the receiver's own, and the query as received.
    func signedURL(query: String?, localPort: Int?) -> String {
        let base = publicBase ?? Self.ownURL(host: host, port: localPort ?? 0)
        guard let query, !query.isEmpty else { return base }
        return base + "?" + query
    }

    /// `http://host:port/streams/callback`, with an IPv6 host in brackets.
    static func ownURL(host: String, port: Int) -> String {
        let urlHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(urlHost):\(port)\(CallbackReceiverSettings.path)"
    }

    /// SignalWire's header, or Twilio's, which validators accept as well.
    static func signature(in headers: HTTPFields) -> String? {
        let names = [WebhookSignature.headerName.lowercased(), WebhookSignature.twilioHeaderName.lowercased()]
        for name in names {
            if let field = headers.first(where: { $0.name.canonicalName == name }) { return field.value }
        }
        return nil
    }

    /// A 403 for a callback that cannot be shown to come from the service; nothing is applied.
    /// The log names the sender and the stream it claims, never the key or the signature.
    private func refuse(_ message: Logger.Message, fields: [(String, String)], context: CallbackRequestContext)
        -> Response
    {
        var metadata: Logger.Metadata = ["remote": "\(context.remoteDescription)"]
        if let sid = fields.first(where: { $0.0 == "StreamSid" })?.1, !sid.isEmpty {
            metadata["stream"] = "\(Self.loggable(sid))"
        }
        logger.warning(message, metadata: metadata)
        return Self.text(.forbidden, "signature required")
    }

    private func tooLarge(context: CallbackRequestContext) -> Response {
        logger.warning(
            "stream callback body over \(Self.maxBodyBytes) bytes refused",
            metadata: ["remote": "\(context.remoteDescription)"])
        return Self.text(.contentTooLarge, "a stream callback is at most \(Self.maxBodyBytes) bytes")
    }

    /// An unverified value on its way into the log: printable ASCII, and short, so a forged
    /// request cannot forge log lines or flood the file.
    static func loggable(_ text: String) -> String {
        let printable = text.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }
        let kept = String(String.UnicodeScalarView(printable.prefix(64)))
        return printable.count > 64 ? kept + "…" : kept
    }

    static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}

/// The signing keys a callback may be signed with: the launch profile's, and those of profiles
/// switched to since (`:profile`), whose streams still report here. Secrets: never rendered.
final class SigningKeyRing: Sendable {
    private let held: Mutex<[String]>
    init(_ first: String) { held = Mutex([first]) }
    var keys: [String] { held.withLock { $0 } }
    func add(_ key: String) {
        held.withLock { keys in
            if !key.isEmpty, !keys.contains(key) { keys.append(key) }
        }
    }
}
