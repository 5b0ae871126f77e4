import CompatAPI
import Foundation
import Hummingbird
import Ledger
import NIOCore

/// A status callback (a stream's or a conference's) as it arrived, before anything trusts it:
/// its fields, what its signature covers and the signature itself. The team receiver
/// (`confdash receiver`) reads and checks every callback with this, by the rules the dashboard's
/// in-process receiver (`StreamCallbackEndpoint`, `ConferenceEventsEndpoint`) applies: the same
/// body limit, the same two signature headers, the fields of a POST's form body signed with the
/// URL, a GET's query signed as part of the URL.
///
/// ```swift
/// let callback = try await SignedCallbackRequest.read(request)
/// guard callback.isSigned(base: "https://ops.example.com/confdash/p/prod/streams/callback", key: key) else { … }
/// let parsed = try callback.callback(receivedAt: Date())   // or .conferenceEvent(receivedAt:)
/// ```
public struct SignedCallbackRequest: Sendable {
    /// The fields: a POST's form body, a GET's query.
    public let fields: [(String, String)]
    /// What the signature covers besides the URL: a POST's fields; nothing on a GET, whose
    /// query is part of the signed URL.
    let signedParameters: [(String, String)]
    /// The query as received: the service signed it as part of the URL.
    let query: String?
    /// `X-SignalWire-Signature`, or Twilio's header; nil when neither came or it is empty.
    let signature: String?

    /// A callback is a dozen short fields; a body this large is not one.
    public static let maxBodyBytes = StreamCallbackEndpoint.maxBodyBytes

    /// Why a request could not be read as a callback at all.
    public enum Unreadable: Error, Sendable, Hashable, CustomStringConvertible {
        /// The service sends callbacks with GET or POST only.
        case methodNotAllowed
        /// The body is over `maxBodyBytes`.
        case tooLarge
        /// The body could not be read (the connection broke, a malformed chunk).
        case unreadableBody(String)

        public var description: String {
            switch self {
            case .methodNotAllowed: "a status callback is a GET or a POST"
            case .tooLarge: "a status callback is at most \(SignedCallbackRequest.maxBodyBytes) bytes"
            case .unreadableBody: "the request body could not be read"
            }
        }
    }

    /// Reads the fields and the signature of `request`, the way the service sends them.
    public static func read(_ request: Request) async throws(Unreadable) -> SignedCallbackRequest {
        let fields: [(String, String)]
        let signedParameters: [(String, String)]
        switch request.method {
        case .post:
            var request = request
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
                throw .tooLarge
            }
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: maxBodyBytes)
            } catch is NIOTooManyBytesError {
                throw .tooLarge
            } catch {
                throw .unreadableBody("\(error)")
            }
            fields = FormEncoding.decode(String(buffer: body))
            signedParameters = fields
        case .get:
            fields = FormEncoding.decode(request.uri.query ?? "")
            signedParameters = []
        default:
            throw .methodNotAllowed
        }
        let signature = StreamCallbackEndpoint.signature(in: request.headers).flatMap { $0.isEmpty ? nil : $0 }
        return SignedCallbackRequest(
            fields: fields, signedParameters: signedParameters, query: request.uri.query, signature: signature)
    }

    /// Whether the request carries a signature at all.
    public var isSigned: Bool { signature != nil }

    /// The URL the service signed when it called `base`: `base` and the query as received.
    public func signedURL(base: String) -> String {
        guard let query, !query.isEmpty else { return base }
        return base + "?" + query
    }

    /// True when the signature proves the service signed this request for `base` with `key`
    /// (the URL with or without its default port, as validators accept).
    public func isSigned(base: String, key: String) -> Bool {
        guard let signature else { return false }
        return WebhookSignature.verify(
            signature: signature, url: signedURL(base: base), parameters: signedParameters, key: key)
    }

    /// The callback its fields describe; which required fields are missing otherwise.
    public func callback(receivedAt: Date) throws(MalformedCallback) -> StreamCallback {
        try StreamCallback.parse(fields, receivedAt: receivedAt)
    }

    /// The conference status callback its fields describe (the application's cXML
    /// `<Conference statusCallback=…>`); which required fields are missing otherwise.
    public func conferenceEvent(receivedAt: Date) throws(MalformedConferenceEvent) -> ConferenceStatusEvent {
        try ConferenceStatusEvent.parse(fields, receivedAt: receivedAt)
    }

    /// The fields as the service sent them, one value a name (the first of a repeated one, as
    /// the parsers read them): what a store keeps of a conference event.
    public var parameters: [String: String] {
        Dictionary(fields, uniquingKeysWith: { first, _ in first })
    }

    /// The stream the request claims to be about, made safe for a log line (printable ASCII,
    /// 64 characters at most): it is not verified yet.
    public var claimedStreamSid: String? { claimed("StreamSid") }

    /// The conference the request claims to be about, made safe for a log line: not verified yet.
    public var claimedConferenceSid: String? { claimed("ConferenceSid") }

    private func claimed(_ field: String) -> String? {
        guard let value = fields.first(where: { $0.0 == field })?.1, !value.isEmpty else { return nil }
        return Self.loggable(value)
    }

    /// Text from an unverified request on its way into a log line: printable ASCII, 64
    /// characters at most, so a forged request cannot forge log lines or flood the log.
    public static func loggable(_ text: String) -> String {
        StreamCallbackEndpoint.loggable(text)
    }

    /// `http://host:port/path`, with an IPv6 host in brackets: a receiver's own URL, the one the
    /// service signs when it is given no public URL.
    public static func ownURL(host: String, port: Int, path: String) -> String {
        let urlHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(urlHost):\(port)\(path)"
    }

    /// The base a public URL stands for when checking signatures: the URL without its query,
    /// checked to be an absolute http(s) URL without a fragment (so a typo fails at start,
    /// rather than refusing every callback later).
    public static func publicBase(_ url: String) throws(CallbackReceiverError) -> String {
        // CallbackServer checks its settings the same way; the key is not what is checked here.
        let base = try CallbackServer.publicBase(CallbackReceiverSettings(signingKey: "-", publicURL: url))
        return base ?? url
    }

    /// Scheme, host and path of a URL, for a log line: its query or user info may carry a token.
    public static func loggableURL(_ url: String) -> String {
        CallbackServer.loggableURL(url)
    }

    /// A short plain-text answer.
    public static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        StreamCallbackEndpoint.text(status, message)
    }
}
