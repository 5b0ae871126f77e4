/// One API or admin request as the emulator saw it. Never the Authorization header or the
/// body, which may carry secrets.
public struct RequestLogEntry: Codable, Sendable, Hashable {
    public var method: String
    public var path: String
    /// Still percent-encoded, exactly as received; nil when there was none.
    public var query: String?
    public var contentType: String?
    public var status: Int
}

/// The most recent requests, for tests that check what a client actually sent.
actor RequestLog {
    private let capacity: Int
    private var entries: [RequestLogEntry] = []

    init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    func record(_ entry: RequestLogEntry) {
        entries.append(entry)
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    func all() -> [RequestLogEntry] { entries }

    func clear() { entries = [] }
}
