import CompatAPI
import Hummingbird
import NIOCore

/// Decides, request by request, which injected fault an API request meets: a rate-limit
/// refusal, a random 500, an error status, how long to wait before answering, and what
/// becomes of the answer's body.
actor FaultInjector {
    /// What one API request is in for.
    enum Verdict: Equatable {
        case proceed
        case rateLimited
        case internalError
        /// `FaultSettings.status`: this status, with Retry-After when one is set.
        case status(Int, retryAfter: Int?)
    }

    private(set) var settings: FaultSettings
    private var rng: SeededGenerator
    private let clock: EmulatorClock
    /// The current one-second window opens at the first request after the last one closed,
    /// so N quick requests always share a window.
    private var windowStart: Duration?
    private var windowCount = 0

    init(settings: FaultSettings, seed: UInt64, clock: EmulatorClock) {
        self.settings = settings
        // Its own stream of numbers, so faults never shift the world's seeded content.
        rng = SeededGenerator(seed: seed ^ 0x5EED_FA17_0000_0001)
        self.clock = clock
    }

    func update(_ settings: FaultSettings) {
        self.settings = settings
        windowStart = nil
        windowCount = 0
    }

    /// API requests being answered now (from their verdict to their answer).
    private var inFlight = 0
    private var peakInFlight = 0

    var inFlightNow: (Int, Int) { (inFlight, peakInFlight) }

    func clearPeak() { peakInFlight = inFlight }

    /// Ends a request `verdict()` counted in flight.
    func finished() { inFlight -= 1 }

    /// What this request is in for; it counts as in flight until `finished()`.
    func verdict() -> Verdict {
        inFlight += 1
        peakInFlight = max(peakInFlight, inFlight)
        if let limit = settings.maxInFlight, inFlight > limit { return .rateLimited }
        if let limit = settings.rateLimit {
            let now = clock.elapsed
            if let start = windowStart, now - start < .seconds(1) {
                windowCount += 1
            } else {
                windowStart = now
                windowCount = 1
            }
            if windowCount > max(0, limit) { return .rateLimited }
        }
        if let status = settings.status {
            return .status(status, retryAfter: settings.retryAfterSeconds)
        }
        if settings.failRate > 0, rng.unit() < settings.failRate {
            return .internalError
        }
        return .proceed
    }

    /// API requests waiting out the latency or a hang right now, each with its deadline on the
    /// injected clock already fixed.
    private(set) var held = 0

    func hold() { held += 1 }

    func release() { held -= 1 }

    /// How long a request waits before it is answered: the latency plus any hang.
    var delay: Duration {
        .milliseconds(max(0, settings.latencyMs)) + .milliseconds(Int64((max(0, settings.hangSeconds) * 1000).rounded()))
    }

    static let rateLimitedError = ServiceError(
        status: 429, code: ServiceError.Code.tooManyRequests, message: "Too Many Requests")
    static let internalError = ServiceError(status: 500, code: 20500, message: "Internal error")

    /// The service's error body for an injected `status`, with the code the service uses for it.
    static func serviceError(status: Int) -> ServiceError {
        switch status {
        case 401: APIResponder.authenticationFailed
        case 403: ServiceError(status: 403, code: 20403, message: "Forbidden")
        case 404: ServiceError(status: 404, code: ServiceError.Code.notFound, message: "The requested resource was not found")
        case 422: ServiceError(status: 422, code: ServiceError.Code.invalidArgument, message: "Unprocessable Entity")
        case 429: rateLimitedError
        case 500: internalError
        case 503: ServiceError(status: 503, code: 20503, message: "Service Unavailable")
        default:
            ServiceError(
                status: status, code: status >= 500 ? 20500 : ServiceError.Code.invalidArgument,
                message: HTTPResponse.Status(code: status).reasonPhrase)
        }
    }

    /// The answer with its body spoiled as `settings.body` says; answers without a body (204)
    /// are left alone, there being nothing to spoil. Not on the actor: the body is read back
    /// through a writer no other task ever sees.
    static func spoil(_ response: Response, as settings: FaultSettings, clock: EmulatorClock) async -> Response {
        guard let fault = settings.body else { return response }
        let collector = BodyCollector()
        do {
            let body = response.body
            try await body.write(collector)
        } catch {
            return response
        }
        let bytes = collector.buffer
        guard bytes.readableBytes > 0 else { return response }
        var headers = response.headers
        headers[.contentLength] = nil
        switch fault {
        case .malformed:
            // Cut short and ended with a stray token: no JSON parser accepts it.
            var broken = bytes.getSlice(at: bytes.readerIndex, length: bytes.readableBytes / 2) ?? ByteBuffer()
            broken.writeString(#",,"unterminated"#)
            return Response(status: response.status, headers: headers, body: ResponseBody(byteBuffer: broken))
        case .truncated:
            let half = bytes.getSlice(at: bytes.readerIndex, length: bytes.readableBytes / 2) ?? ByteBuffer()
            let body = ResponseBody(contentLength: bytes.readableBytes) { writer in
                try await writer.write(half)
                // Throwing out of the body makes the server close the connection, the rest unsent.
                throw TruncatedOnPurpose()
            }
            return Response(status: response.status, headers: headers, body: body)
        case .trickle:
            let step = max(1, settings.trickleBytes)
            let pause = Duration.milliseconds(max(0, settings.trickleIntervalMs))
            let body = ResponseBody(contentLength: bytes.readableBytes) { writer in
                var rest = bytes
                while let chunk = rest.readSlice(length: min(step, rest.readableBytes)), chunk.readableBytes > 0 {
                    if pause > .zero { try await clock.sleep(for: pause) }
                    try await writer.write(chunk)
                }
                try await writer.finish(nil)
            }
            return Response(status: response.status, headers: headers, body: body)
        }
    }

    /// Ends a truncated answer: the server closes a connection whose body writer threw.
    struct TruncatedOnPurpose: Error {}

    /// Reads a response body back into one buffer, to spoil it.
    private final class BodyCollector: ResponseBodyWriter {
        var buffer = ByteBuffer()

        func write(_ part: ByteBuffer) async throws {
            var part = part
            buffer.writeBuffer(&part)
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
