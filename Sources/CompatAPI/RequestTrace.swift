import Synchronization

/// One request as it went to the service: what the event log and `audit --json` show behind an
/// action. The path carries no query (nothing secret goes in one, but neither does it belong in
/// a trail), the status is nil when no answer came (a timeout, a lost connection).
public struct SentRequest: Sendable, Hashable, Codable {
    public var method: String
    /// From the API's root: `/api/laml/2010-04-01/Accounts/…/Conferences/CF…/Streams.json`.
    public var path: String
    public var status: Int?
    public var milliseconds: Int

    public init(method: String, path: String, status: Int?, milliseconds: Int) {
        self.method = method
        self.path = path
        self.status = status
        self.milliseconds = milliseconds
    }

    /// `POST → 200 in 84 ms: /api/…/Streams`, or `POST → no answer after 5000 ms: …`: the
    /// path last, as the part a narrow line may cut.
    public var summary: String {
        "\(method) → " + (status.map { "\($0) in \(milliseconds) ms" } ?? "no answer after \(milliseconds) ms") + ": \(path)"
    }
}

/// The requests sent while one action ran: an action sets a trace for its task
/// (`RequestTrace.tracing`), every request the client sends in that task is added to it, and
/// the audit row keeps the one that made the change.
public final class RequestTrace: Sendable {
    @TaskLocal public static var current: RequestTrace?

    private let sent = Mutex<[SentRequest]>([])

    public init() {}

    public var requests: [SentRequest] { sent.withLock { $0 } }

    /// The request that made the change: the last one that was not a read; a read (a stop
    /// finding its stream) only when nothing else went out.
    public var change: SentRequest? {
        let all = requests
        return all.last { $0.method != "GET" } ?? all.last
    }

    func append(_ request: SentRequest) { sent.withLock { $0.append(request) } }

    /// Runs `body` with a trace of its own, unless one is running already (an action inside
    /// another keeps the outer one's).
    public static func tracing<T>(_ body: () async throws -> T) async rethrows -> T {
        if current != nil { return try await body() }
        return try await $current.withValue(RequestTrace()) { try await body() }
    }
}
