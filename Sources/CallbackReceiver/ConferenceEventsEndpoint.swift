import CompatAPI
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Turns one HTTP request to the conference-events path into an answer: only an event whose
/// signature proves it came from the service reaches the handler, and the service hears 2xx only
/// once the handler has it (5xx when it could not take it, so a service that retries may).
///
/// Self-contained like `StreamCallbackEndpoint`: a receiver for several profiles mounts one per
/// profile, each with its own key ring and public URL.
///
/// ```swift
/// let endpoint = ConferenceEventsEndpoint(
///     publicBase: nil, host: "127.0.0.1", signingKeys: SigningKeyRing(key), logger: logger
/// ) { event in mailbox.post(.conferenceEvent(event, at: Date())) }
/// ```
struct ConferenceEventsEndpoint: Sendable {
    /// The URL the service signed, without its query: the public URL, or nil for the receiver's own.
    let publicBase: String?
    /// The bind host, for the receiver's own URL.
    let host: String
    let signingKeys: SigningKeyRing
    let logger: Logger
    let now: @Sendable () -> Date
    let handler: @Sendable (ConferenceStatusEvent) async throws -> Void

    init(
        publicBase: String?, host: String, signingKeys: SigningKeyRing, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        handler: @escaping @Sendable (ConferenceStatusEvent) async throws -> Void
    ) {
        self.publicBase = publicBase
        self.host = host
        self.signingKeys = signingKeys
        self.logger = logger
        self.now = now
        self.handler = handler
    }

    func respond(to request: Request, context: CallbackRequestContext) async -> Response {
        guard request.uri.path == CallbackReceiverSettings.conferenceEventsPath else {
            return Response(status: .notFound)
        }
        guard request.method == .post || request.method == .get else {
            var headers = HTTPFields()
            headers[.allow] = "GET, POST"
            return Response(status: .methodNotAllowed, headers: headers)
        }

        // POST: a form body, signed with its parameters. GET (statusCallbackMethod="GET"): the
        // fields in the query, which is part of the signed URL; no parameters are signed.
        let fields: [(String, String)]
        let signedParameters: [(String, String)]
        if request.method == .post {
            var request = request
            let limit = StreamCallbackEndpoint.maxBodyBytes
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
                return tooLarge(context: context)
            }
            do {
                fields = FormEncoding.decode(String(buffer: try await request.collectBody(upTo: limit)))
            } catch is NIOTooManyBytesError {
                return tooLarge(context: context)
            } catch {
                logger.warning(
                    "conference event body could not be read",
                    metadata: ["remote": "\(context.remoteDescription)", "error": "\(error)"])
                return StreamCallbackEndpoint.text(.badRequest, "the request body could not be read")
            }
            signedParameters = fields
        } else {
            fields = FormEncoding.decode(request.uri.query ?? "")
            signedParameters = []
        }

        let url = signedURL(query: request.uri.query, localPort: context.localPort)
        guard let signature = StreamCallbackEndpoint.signature(in: request.headers), !signature.isEmpty else {
            return refuse("conference event without a signature", fields: fields, context: context)
        }
        guard
            signingKeys.keys.contains(where: {
                WebhookSignature.verify(signature: signature, url: url, parameters: signedParameters, key: $0)
            })
        else {
            return refuse("conference event with a signature that does not match", fields: fields, context: context)
        }

        let event: ConferenceStatusEvent
        do {
            event = try ConferenceStatusEvent.parse(fields, receivedAt: now())
        } catch {
            logger.warning(
                "signed conference event is missing fields",
                metadata: ["remote": "\(context.remoteDescription)", "missing": "\(error.missingFields)"])
            return StreamCallbackEndpoint.text(.badRequest, error.description)
        }
        var metadata: Logger.Metadata = [
            "conference": "\(event.conferenceSid)", "event": "\(event.event.rawValue)",
        ]
        if let call = event.callSid { metadata["call"] = "\(call)" }
        if let sequence = event.sequenceNumber { metadata["sequence"] = "\(sequence)" }
        do {
            try await handler(event)
        } catch {
            metadata["error"] = "\(error)"
            logger.error("conference event could not be taken", metadata: metadata)
            return StreamCallbackEndpoint.text(.serviceUnavailable, "the conference event could not be taken")
        }
        logger.debug("conference event taken", metadata: metadata)
        return Response(status: .noContent)
    }

    /// The URL the service signed: the public URL's scheme, host and path, or the receiver's
    /// own, and the query as received.
    func signedURL(query: String?, localPort: Int?) -> String {
        let base = publicBase ?? Self.ownURL(host: host, port: localPort ?? 0)
        guard let query, !query.isEmpty else { return base }
        return base + "?" + query
    }

    /// `http://host:port/conferences/events`, with an IPv6 host in brackets.
    static func ownURL(host: String, port: Int) -> String {
        let urlHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(urlHost):\(port)\(CallbackReceiverSettings.conferenceEventsPath)"
    }

    /// A 403 for an event that cannot be shown to come from the service; nothing reaches the
    /// handler. The log names the sender and the conference it claims, never the key or the
    /// signature.
    private func refuse(_ message: Logger.Message, fields: [(String, String)], context: CallbackRequestContext)
        -> Response
    {
        var metadata: Logger.Metadata = ["remote": "\(context.remoteDescription)"]
        if let sid = fields.first(where: { $0.0 == "ConferenceSid" })?.1, !sid.isEmpty {
            metadata["conference"] = "\(StreamCallbackEndpoint.loggable(sid))"
        }
        logger.warning(message, metadata: metadata)
        return StreamCallbackEndpoint.text(.forbidden, "signature required")
    }

    private func tooLarge(context: CallbackRequestContext) -> Response {
        let limit = StreamCallbackEndpoint.maxBodyBytes
        logger.warning(
            "conference event body over \(limit) bytes refused", metadata: ["remote": "\(context.remoteDescription)"])
        return StreamCallbackEndpoint.text(.contentTooLarge, "a conference event is at most \(limit) bytes")
    }
}
