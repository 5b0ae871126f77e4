import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// The Compatibility REST API client: every conference, participant and stream operation
/// confdash uses, each with a deadline, typed errors, and retries for reads only.
public final class CompatClient: Sendable {
    public let endpoint: Endpoint
    public let credentials: Credentials
    public let requestTimeout: Duration
    public let retryPolicy: RetryPolicy
    let http: HTTPClient
    let ownsHTTP: Bool
    let logger: Logger
    let clock: any Clock<Duration>
    let jitter: @Sendable () -> Double
    /// What each read last got and decoded to, so a poll that finds nothing changed skips
    /// decoding it again (at idle, decoding was a third of the dashboard's CPU).
    let reads = ReadCache()
    /// Reads for a dashboard: answers keep only what a screen shows, repeated strings shared
    /// (`AnswerStrings`). Off for the command line, whose JSON output carries every field.
    public let leanReads: Bool
    /// How many reads go out at once: found from the service's answers (`ConcurrencyLevel`).
    public let concurrency: AdaptiveConcurrency

    /// Bodies larger than this are refused rather than read into memory.
    static let maxBodyBytes = 32 * 1024 * 1024

    public init(
        endpoint: Endpoint, credentials: Credentials, requestTimeout: Duration = .seconds(10),
        retryPolicy: RetryPolicy = .default, httpClient: HTTPClient? = nil, clock: any Clock<Duration> = ContinuousClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        maxConcurrency: Int = ConcurrencyLevel.defaultCeiling, logger: Logger = Logger(label: "confdash.api"),
        leanReads: Bool = false, idleConnectionTimeout: Duration = .seconds(60)
    ) {
        self.leanReads = leanReads
        self.endpoint = endpoint
        concurrency = AdaptiveConcurrency(ceiling: maxConcurrency) { change in
            logger.info("\(change)", metadata: ["inFlight": "\(change.to)"])
        }
        self.credentials = credentials
        self.requestTimeout = requestTimeout
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.jitter = jitter
        self.logger = logger
        if let httpClient {
            self.http = httpClient
            self.ownsHTTP = false
        } else {
            var configuration = HTTPClient.Configuration()
            // A redirect would resend the Basic credentials to wherever it points.
            configuration.redirectConfiguration = .disallow
            configuration.timeout.connect = .seconds(5)
            // As many connections as reads may be in flight: a read waiting for a connection
            // would count as a slow answer.
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(16, maxConcurrency)
            // A refused connection or a name that does not resolve is said at once; the pool's
            // own retries held it until the request's deadline (21 s for a CLI command that
            // could not connect). Reads are retried by `RetryPolicy`, which knows what is worth it.
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.connectionPool.idleTimeout = .nanoseconds(
                idleConnectionTimeout.components.seconds * 1_000_000_000 + idleConnectionTimeout.components.attoseconds / 1_000_000_000)
            self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            self.ownsHTTP = true
        }
    }

    /// How long a dashboard's client keeps a connection no read has used: long enough that the
    /// connections every refresh uses stay open from one refresh to the next (no new handshake a
    /// poll), short enough that the extra ones a burst opened (a first read of 10,000
    /// conferences runs up to 32 at once, each keeping its receive buffers: 6 MB in all) are let
    /// go of soon after it, not after the pool's 60-second default.
    public static func idleConnectionTimeout(refreshSeconds: Double) -> Duration {
        .seconds(max(15, 2 * refreshSeconds + 5))
    }

    /// Closes the connections this client opened; call once when done.
    public func shutdown() async {
        guard ownsHTTP else { return }
        try? await http.shutdown()
    }

    var accountPath: String { "/Accounts/\(Self.segment(credentials.projectID))" }

    // MARK: conferences

    /// Every conference matching `filter`, one page at a time.
    public func conferencePages(_ filter: ConferenceFilter = .init()) -> PageSequence<Conference> {
        PageSequence(client: self, firstPath: "\(accountPath)/Conferences", query: filter.queryItems, operation: "list conferences")
    }

    /// Every conference matching `filter`, all pages read.
    public func conferences(_ filter: ConferenceFilter = .init()) async throws -> [Conference] {
        try await conferencePages(filter).collectItems()
    }

    /// Every conference matching `filter`, page by page, saying whether every page was the one
    /// this client read last time at its URL (then the list is the one it read before).
    public func conferenceListing(_ filter: ConferenceFilter = .init()) async throws -> ConferenceListing {
        var listing = ConferenceListing(pages: [], unchanged: true)
        for try await page in conferencePages(filter) {
            listing.pages.append(page.items)
            listing.unchanged = listing.unchanged && page.reused
        }
        return listing
    }

    public func conference(_ sid: String) async throws -> Conference {
        try await get(path: conferencePath(sid), query: [], operation: "fetch conference \(sid)")
    }

    public func updateConference(_ sid: String, _ update: ConferenceUpdate) async throws -> Conference {
        try await send(.POST, path: conferencePath(sid), form: update.formFields, operation: "update conference \(sid)")
    }

    /// Ends a conference for everybody in it.
    public func endConference(_ sid: String) async throws -> Conference {
        try await updateConference(sid, .endConference)
    }

    // MARK: participants

    public func participantPages(conference: String, filter: ParticipantFilter = .init()) -> PageSequence<Participant> {
        PageSequence(
            client: self, firstPath: "\(conferencePath(conference))/Participants", query: filter.queryItems,
            operation: "list participants of \(conference)", known: [conference])
    }

    public func participants(conference: String, filter: ParticipantFilter = .init()) async throws -> [Participant] {
        try await participantPages(conference: conference, filter: filter).collectItems()
    }

    public func participant(conference: String, callSid: String) async throws -> Participant {
        try await get(
            path: participantPath(conference, callSid), query: [], operation: "fetch participant \(callSid)")
    }

    /// Mutes, holds, coaches or announces to one participant. An update that breaks the
    /// service's rules (`ParticipantUpdate.problems`: coaching without a call to coach, a URL that
    /// is not absolute http(s)) is refused here and nothing is sent.
    public func updateParticipant(conference: String, callSid: String, _ update: ParticipantUpdate) async throws
        -> Participant
    {
        try RequestRules.check(update.problems)
        return try await send(
            .POST, path: participantPath(conference, callSid), form: update.formFields,
            operation: "update participant \(callSid)")
    }

    /// Takes a participant out of the conference (their call leaves it).
    public func removeParticipant(conference: String, callSid: String) async throws {
        _ = try await perform(
            .DELETE, url: url(participantPath(conference, callSid), query: []), form: nil,
            operation: "remove participant \(callSid)", retryable: false)
    }

    // MARK: streams

    /// Starts a stream. Never retried: a second POST would start a second stream.
    public func startStream(conference: String, _ request: StartStreamRequest) async throws -> ConferenceStream {
        try await send(
            .POST, path: "\(conferencePath(conference))/Streams", form: request.formFields,
            operation: "start stream on \(conference)")
    }

    /// Stops a stream by its sid (or, where the service allows it, by its name).
    public func stopStream(conference: String, stream: String) async throws -> ConferenceStream {
        try await send(
            .POST, path: "\(conferencePath(conference))/Streams/\(Self.segment(stream))", form: [("Status", "stopped")],
            operation: "stop stream \(stream)")
    }

    // MARK: plumbing

    func conferencePath(_ sid: String) -> String { "\(accountPath)/Conferences/\(Self.segment(sid))" }

    func participantPath(_ conference: String, _ callSid: String) -> String {
        "\(conferencePath(conference))/Participants/\(Self.segment(callSid))"
    }

    static func segment(_ text: String) -> String { FormEncoding.escape(text) }

    func url(_ path: String, query: [(String, String)]) -> String {
        var url = endpoint.baseURL + path + (endpoint.usesJSONSuffix ? ".json" : "")
        if !query.isEmpty { url += "?" + FormEncoding.encode(query) }
        return url
    }

    /// One resource (a conference, a call): decoded every time, never kept. The read cache is for
    /// lists read again and again; a single read is mostly of something read once (a conference
    /// that just ended, a call that just joined), and under churn those were thousands of entries
    /// an hour that no later read would ever hit.
    func get<T: Decodable & Sendable>(path: String, query: [(String, String)], operation: String) async throws -> T {
        try decode(
            try await perform(.GET, url: url(path, query: query), form: nil, operation: operation, retryable: true),
            operation: operation)
    }

    /// Decodes a list page's answer, or hands back what the same bytes decoded to last time (`reused`).
    func decodeReadNotingReuse<T: Decodable & Sendable>(
        _ response: RawResponse, url: String, operation: String, known: [String] = []
    ) throws -> (value: T, reused: Bool) {
        let digest = ReadCache.digest(response.body)
        if let kept: T = reads.value(for: url, digest: digest) { return (kept, true) }
        let value: T = try decode(response, operation: operation, known: known)
        reads.store(value, digest: digest, for: url)
        return (value, false)
    }

    /// One page of a list, marked `reused` when its bytes are those of the last read of its URL.
    func page<Item>(path: String, query: [(String, String)], operation: String, known: [String] = []) async throws
        -> ListPage<Item>
    {
        let url = url(path, query: query)
        var (page, reused): (ListPage<Item>, Bool) = try decodeReadNotingReuse(
            try await perform(.GET, url: url, form: nil, operation: operation, retryable: true), url: url,
            operation: operation, known: known)
        page.reused = reused
        return page
    }

    /// The page at a host-relative link (`next_page_uri`), marked the same way against what was
    /// last read in `slot` (see `ReadCache.slot`).
    func page<Item>(hostRelative uri: String, slot: String, operation: String, known: [String] = []) async throws
        -> ListPage<Item>
    {
        let target = try sameOrigin(uri)
        var (page, reused): (ListPage<Item>, Bool) = try decodeReadNotingReuse(
            try await perform(.GET, url: target, form: nil, operation: operation, retryable: true), url: slot,
            operation: operation, known: known)
        page.reused = reused
        return page
    }

    /// How many answers the read cache keeps (each a digest and what it decoded to).
    public var readsKept: Int { reads.count }

    /// Lets go of what the read cache keeps of these conferences' participants and recordings
    /// (their first pages, as `participants` and `recordings` read them): the conferences ended,
    /// and their URLs are not read again. The cache would age them out by itself only after
    /// twice as many reads as it holds entries, which with conference events is hours.
    public func forgetReads(
        ofConferences sids: [String], participants: ParticipantFilter, recordings: RecordingFilter = .init()
    ) {
        reads.remove(
            sids.flatMap { sid in
                [
                    url("\(conferencePath(sid))/Participants", query: participants.queryItems),
                    url("\(conferencePath(sid))/Recordings", query: recordings.queryItems),
                ]
            })
    }

    /// A host-relative link as a URL on this client's origin; one to another host is refused.
    func sameOrigin(_ uri: String) throws -> String {
        if uri.hasPrefix("/") { return endpoint.origin + uri }
        if uri.hasPrefix(endpoint.origin + "/") { return uri }
        throw CompatError.unreadableResponse(status: 200, reason: "the service linked to another host: \(uri)")
    }

    func send<T: Decodable>(_ method: HTTPMethod, path: String, form: [(String, String)], operation: String)
        async throws -> T
    {
        try decode(
            try await perform(method, url: url(path, query: []), form: form, operation: operation, retryable: false),
            operation: operation)
    }

    struct RawResponse {
        var status: Int
        var body: ByteBuffer
    }

    /// `known`: strings the caller holds that the answer repeats (see `AnswerStrings`); the
    /// project ID is always one.
    func decode<T: Decodable>(_ response: RawResponse, operation: String, known: [String] = []) throws -> T {
        do {
            let decoder = JSONDecoder()
            if leanReads {
                decoder.userInfo[.answerStrings] = AnswerStrings(known: [credentials.projectID] + known)
            }
            return try decoder.decode(T.self, from: response.body)
        } catch {
            throw CompatError.unreadableResponse(status: response.status, reason: "\(operation): \(Self.describe(error))")
        }
    }

    /// One request with its retries. Reads (`retryable`) are retried on 429, 5xx and network
    /// failures; anything that changes the service is sent exactly once.
    func perform(
        _ method: HTTPMethod, url: String, form: [(String, String)]?, operation: String, retryable: Bool
    ) async throws -> RawResponse {
        var attempt = 1
        while true {
            do {
                return try await performCounted(method, url: url, form: form, operation: operation, read: retryable)
            } catch let error as CompatError {
                guard retryable, RetryPolicy.isRetryable(error) else { throw error }
                var retryAfter: Duration?
                if case .service(_, let seconds?) = error { retryAfter = .milliseconds(Int64(seconds * 1000)) }
                guard let wait = retryPolicy.delay(afterAttempt: attempt, retryAfter: retryAfter, jitter: jitter()) else {
                    throw error
                }
                logger.notice(
                    "retrying",
                    metadata: ["operation": "\(operation)", "attempt": "\(attempt)", "wait": "\(wait)", "error": "\(error)"])
                try await clock.sleep(for: wait)
                attempt += 1
            }
        }
    }

    /// One attempt through the concurrency gate: a read waits for its place, a write goes at
    /// once; either way its answer teaches the level.
    func performCounted(
        _ method: HTTPMethod, url: String, form: [(String, String)]?, operation: String, read: Bool
    ) async throws -> RawResponse {
        let permit = read ? try await concurrency.acquire() : concurrency.unqueued()
        let started = ContinuousClock.now
        do {
            let response = try await performOnce(method, url: url, form: form, operation: operation)
            concurrency.release(permit, .answered(ContinuousClock.now - started))
            trace(method, url: url, status: response.status, since: started)
            return response
        } catch let error as CompatError {
            switch error {
            case .service(let e, _): trace(method, url: url, status: e.status, since: started)
            case .unreadableResponse(let status, _): trace(method, url: url, status: status, since: started)
            default: trace(method, url: url, status: nil, since: started)
            }
            switch error {
            case .service(let e, let retryAfter) where e.status == 429 || retryAfter != nil:
                concurrency.release(permit, .throttled)
            case .service(let e, _) where e.status < 500:
                // A refusal (404, 400) is an answer like any other: the service was quick to give it.
                concurrency.release(permit, .answered(ContinuousClock.now - started))
            default:
                concurrency.release(permit, .failed)
            }
            throw error
        } catch {
            concurrency.release(permit, .failed)
            throw error
        }
    }

    /// Adds the request to the running action's trace, if there is one (`RequestTrace`).
    func trace(_ method: HTTPMethod, url: String, status: Int?, since started: ContinuousClock.Instant) {
        guard let trace = RequestTrace.current else { return }
        var path = Self.pathForLog(url)
        if path.hasPrefix(endpoint.origin) { path.removeFirst(endpoint.origin.count) }
        trace.append(
            SentRequest(
                method: method.rawValue, path: path, status: status,
                milliseconds: Int((ContinuousClock.now - started) / .milliseconds(1))))
    }

    func performOnce(_ method: HTTPMethod, url: String, form: [(String, String)]?, operation: String) async throws
        -> RawResponse
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: credentials.basicAuthorization)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "confdash/\(ConfdashVersion.string)")
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
        }
        let started = ContinuousClock.now
        let timeoutSeconds = Double(requestTimeout.components.seconds) + Double(requestTimeout.components.attoseconds) / 1e18
        let response: HTTPClientResponse
        let body: ByteBuffer
        // One deadline for the head and the whole body: a service that trickles its answer a
        // few bytes at a time must not hold a poll for longer than a silent one.
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeoutSeconds * 1e9))
        do {
            response = try await http.execute(request, deadline: deadline, logger: logger)
        } catch let error as HTTPClientError {
            throw mapTransport(error, operation: operation, seconds: timeoutSeconds)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let reason = Self.describe(error)
            // A reset after the request went out leaves its outcome unknown; anything else
            // failed before the service saw a byte.
            if reason.contains("reset by peer") || reason.contains("ECONNRESET") {
                throw CompatError.connectionLost(host: endpoint.host, reason: reason)
            }
            throw CompatError.unreachable(host: endpoint.host, reason: reason)
        }
        let status = Int(response.status.code)
        do {
            body = try await Self.collect(response.body, upTo: Self.maxBodyBytes, before: deadline)
        } catch is NIOTooManyBytesError {
            throw CompatError.unreadableResponse(status: status, reason: "\(operation): the answer is larger than 32 MiB")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            // The service answered but was still sending when the time was up.
            throw CompatError.timedOut(operation: operation, seconds: timeoutSeconds)
        } catch {
            // Whoever waits for this request has gone (the dashboard is quitting): no error to report.
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            // The head came, so the service is reachable: what broke is this answer, cut off
            // before the length it announced.
            throw CompatError.unreadableResponse(
                status: status, reason: "\(operation): the answer was cut off (\(Self.describe(error)))")
        }
        logger.debug(
            "\(method.rawValue) \(Self.pathForLog(url)) -> \(status)",
            metadata: ["ms": "\(Int((ContinuousClock.now - started) / .milliseconds(1)))"])
        if (200..<300).contains(status) {
            return RawResponse(status: status, body: body)
        }
        var serviceError =
            (try? JSONDecoder().decode(ServiceError.self, from: body))
            ?? ServiceError(status: status, code: nil, message: Self.snippet(body) ?? response.status.reasonPhrase)
        if serviceError.status == 0 { serviceError.status = status }
        throw CompatError.service(serviceError, retryAfterSeconds: Self.retryAfter(response.headers))
    }

    /// The whole body, or `HTTPClientError.deadlineExceeded` once `deadline` passes: the
    /// client's own deadline ends when the head arrives, and nothing else limits the body.
    static func collect(_ body: HTTPClientResponse.Body, upTo limit: Int, before deadline: NIODeadline) async throws
        -> ByteBuffer
    {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                let left = (deadline - NIODeadline.now()).nanoseconds
                if left > 0 { try await Task.sleep(for: .nanoseconds(left)) }
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else {
                throw HTTPClientError.deadlineExceeded
            }
            return buffer
        }
    }

    func mapTransport(_ error: HTTPClientError, operation: String, seconds: Double) -> CompatError {
        switch error {
        case .deadlineExceeded, .readTimeout, .writeTimeout:
            return .timedOut(operation: operation, seconds: seconds)
        case .connectTimeout, .tlsHandshakeTimeout:
            return .unreachable(host: endpoint.host, reason: "connection timed out")
        case .remoteConnectionClosed:
            return .connectionLost(host: endpoint.host, reason: "the connection closed before the answer was complete")
        default:
            return .unreachable(host: endpoint.host, reason: Self.describe(error))
        }
    }

    /// `Retry-After` in seconds (a number, or an HTTP date).
    static func retryAfter(_ headers: HTTPHeaders) -> Double? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        if let date = ServiceDate.parse(value) { return max(0, date.timeIntervalSinceNow) }
        return nil
    }

    static func snippet(_ body: ByteBuffer) -> String? {
        guard body.readableBytes > 0 else { return nil }
        let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    /// The path without the query, for logs.
    static func pathForLog(_ url: String) -> String {
        String(url.split(separator: "?", maxSplits: 1).first ?? "")
    }

    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("ECONNREFUSED") || text.contains("Connection refused") || text.contains("connectionRefused") {
            return CompatError.connectionRefused
        }
        if text.contains("dnsAError") || text.contains("dnsAAAAError") || text.contains("SocketAddressError")
            || text.contains("unknownHost") || text.contains("Name or service not known")
        {
            return CompatError.unresolvedPrefix + " (\(text.prefix(120)))"
        }
        if let decoding = error as? DecodingError {
            switch decoding {
            case .dataCorrupted(let context): return "malformed JSON (\(context.debugDescription))"
            case .keyNotFound(let key, _): return "missing field \(key.stringValue)"
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return "unexpected value at \(path.isEmpty ? "top level" : path)"
            @unknown default: return text
            }
        }
        return text
    }
}

/// The version confdash reports in its User-Agent and `info`.
public enum ConfdashVersion {
    public static let string = "0.1.0"
}

/// The last answer per read URL, as a SHA-256 digest of its bytes, and what it decoded to.
///
/// Only the digest is kept, not the bytes: at 5,000 conferences the bytes were 18 MiB of RSS, while
/// hashing an answer costs a few microseconds. A different answer has a different digest (no
/// collision of SHA-256 is known), so a changed answer is always decoded afresh.
///
/// A long session reads the participants of every conference it ever saw, and an ended
/// conference's URL is never read again, so entries age out in two generations: a lookup moves
/// its entry into the current one, and once there have been twice as many lookups as entries the
/// current generation becomes the previous and the previous is dropped. The dashboard reads every
/// live conference at least once per sweep, and a sweep takes fewer lookups than there are
/// entries, so a URL still being read always survives and one no longer read is gone within two
/// generations. `limit` caps the entries whatever the pattern of reads.
///
/// Entries are found by the hash of their URL, not by the URL: at 10,000 conferences the URLs
/// (each about 150 characters, a string of its own) were two megabytes kept only to be compared.
/// Two URLs of one hash can only cost a decode, never a wrong answer: an entry is used only for
/// an answer whose bytes have its digest, and the same bytes decode to the same value whichever
/// URL they came from.
///
/// Each entry is one object holding the digest and the value together (`Kept<T>`), and the table
/// holds only its reference: an `any Sendable` beside the digest made every slot 72 bytes, and a
/// page too large for the existential's inline room was boxed on the heap anyway. At 10,000
/// conferences the two generations' tables were 2.4 MB, most of them empty slots.
final class ReadCache: Sendable {
    /// What every entry has: the digest of the answer it was decoded from. Immutable, so it can
    /// be shared between threads; not final, so that `Kept<T>` can carry the value.
    class Entry: @unchecked Sendable {
        let digest: SHA256.Digest
        init(digest: SHA256.Digest) { self.digest = digest }
    }
    final class Kept<T: Sendable>: Entry, @unchecked Sendable {
        let value: T
        init(_ value: T, digest: SHA256.Digest) {
            self.value = value
            super.init(digest: digest)
        }
    }
    /// The hash of a URL (this process's `Hasher`: the cache lives no longer than the process).
    typealias Key = Int
    struct Generations {
        var current: [Key: Entry] = [:]
        var previous: [Key: Entry] = [:]
        var lookups = 0
        var count: Int { current.count + previous.count }
    }
    static let limit = 16_384

    /// Where the `index`th page (from 0) of the list whose first page is at `first` is kept. By
    /// position, not by its own URL: a later page's link carries a token that moves whenever the
    /// conference or call at the end of the page before it changes, so under churn every read of
    /// a long list made new URLs, and the pages kept under the old ones (a thousand decoded
    /// conferences each) stayed until the generation turned, about three megabytes a minute at
    /// 5,000 conferences.
    static func slot(first: String, index: Int) -> String {
        index == 0 ? first : "\(first) page \(index + 1)"
    }
    /// The fewest lookups in a generation, so that a handful of entries are not churned.
    static let minimumGeneration = 256
    private let generations = Mutex(Generations())

    static func digest(_ body: ByteBuffer) -> SHA256.Digest {
        SHA256.hash(data: body.readableBytesView)
    }

    func value<T: Sendable>(for url: String, digest: SHA256.Digest) -> T? {
        let url = url.hashValue
        let entry = generations.withLock { g -> Entry? in
            g.lookups += 1
            if g.lookups >= max(Self.minimumGeneration, 2 * g.count) {
                g.previous = g.current
                g.current = [:]
                g.lookups = 0
            }
            if let entry = g.current[url] { return entry }
            guard let entry = g.previous.removeValue(forKey: url) else { return nil }
            g.current[url] = entry
            return entry
        }
        guard let entry = entry as? Kept<T>, entry.digest == digest else { return nil }
        return entry.value
    }

    func store<T: Sendable>(_ value: T, digest: SHA256.Digest, for url: String) {
        let url = url.hashValue
        generations.withLock { g in
            g.previous[url] = nil
            if g.count >= Self.limit, g.current[url] == nil {
                g.previous = [:]
                if g.current.count >= Self.limit { g.current = [:] }
            }
            g.current[url] = Kept(value, digest: digest)
        }
    }

    func remove(_ urls: [String]) {
        guard !urls.isEmpty else { return }
        let urls = urls.map(\.hashValue)
        generations.withLock { g in
            for url in urls {
                g.current[url] = nil
                g.previous[url] = nil
            }
        }
    }

    var count: Int { generations.withLock { $0.count } }
}
