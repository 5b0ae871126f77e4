/// Everything that shapes one emulator run: where it listens, what world it seeds, which
/// credentials it accepts and which faults it injects.
public struct EmulatorConfiguration: Sendable {
    public var host: String
    /// 0 binds an ephemeral port; read the real one from `EmulatorServer.port`.
    public var port: Int
    /// The same seed always yields the same conferences, participants and sids.
    public var seed: UInt64
    /// How many conferences the world starts with, a mix of live and completed ones.
    public var conferences: Int
    public var participantsPerConference: ClosedRange<Int>
    /// When on, conferences start and end and participants come and go on their own.
    public var churn: Bool
    public var churnInterval: Duration
    public var accountSid: String
    /// A secret: never logged.
    public var apiToken: String
    /// A secret: never logged. Signs stream status callbacks.
    public var signingKey: String
    /// How long a new stream stays `queued` before it goes `in-progress`.
    public var streamStartDelay: Duration
    /// How long the emulator waits for a callback's answer before it counts the delivery as
    /// failed. The service's own limit is short; tests that count deliveries exactly on a loaded
    /// machine give the receiver longer, so a slow 2xx is not counted as a failure.
    public var callbackTimeout: Duration
    public var faults: FaultSettings

    /// A fixed Project ID, so `confdash demo` and tests need no setup.
    public static let demoProjectID = "5e1f0c2a-7d4b-4c8e-9a31-0f6b2d8e4c17"
    public static let demoAPIToken = "PTdemo5b0e4f3c9a7d41e2b8c6f0a9d3e7c1b4"
    public static let demoSigningKey = "PSKdemo2c8e6a4f1b9d47c3a5e0f8b2d6c4a1e9"

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        seed: UInt64 = 1,
        conferences: Int = 12,
        participantsPerConference: ClosedRange<Int> = 2...8,
        churn: Bool = false,
        churnInterval: Duration = .seconds(2),
        accountSid: String = EmulatorConfiguration.demoProjectID,
        apiToken: String = EmulatorConfiguration.demoAPIToken,
        signingKey: String = EmulatorConfiguration.demoSigningKey,
        streamStartDelay: Duration = .milliseconds(1500),
        callbackTimeout: Duration = .seconds(5),
        faults: FaultSettings = .init()
    ) {
        self.host = host
        self.port = port
        self.seed = seed
        self.conferences = conferences
        self.participantsPerConference = participantsPerConference
        self.churn = churn
        self.churnInterval = churnInterval
        self.accountSid = accountSid
        self.apiToken = apiToken
        self.signingKey = signingKey
        self.streamStartDelay = streamStartDelay
        self.callbackTimeout = callbackTimeout
        self.faults = faults
    }
}

/// Faults the emulator injects into API responses (never into the admin surface). Every field
/// has a "no fault" default, so `FaultSettings()` is a healthy service; set through
/// `EmulatorConfiguration.faults`, `EmulatorServer.setFaults(_:)` or `POST /__admin/faults`
/// (a partial change: fields left out keep their value, `null` turns an optional one off);
/// `DELETE /__admin/faults` turns them all off.
public struct FaultSettings: Sendable, Hashable, Codable {
    /// Added to every API response, measured on the injected clock.
    public var latencyMs: Int
    /// The share of API requests, 0...1, answered with a 500.
    public var failRate: Double
    /// API requests allowed per one-second window before answering 429 (code 20429,
    /// `Retry-After: 1`); nil means unlimited.
    public var rateLimit: Int?
    /// API requests the service works on at once; one more is answered 429 (code 20429,
    /// `Retry-After: 1`) at once, as a service that limits an account's concurrent requests
    /// does. nil means unlimited.
    public var maxInFlight: Int?
    /// Every API request is answered with this HTTP status (400...599) and the service's error
    /// body for it, before credentials are even checked, as an outage or a revoked token looks
    /// from outside: 401 (code 20003), 403 (20403), 404 (20404), 422 (10000), 429 (20429),
    /// 500 (20500), 503 (20503). nil answers normally.
    public var status: Int?
    /// Sent as `Retry-After: N` (seconds) with every `status` answer; nil sends no Retry-After
    /// (the service documents none, so a client must also cope without it).
    public var retryAfterSeconds: Int?
    /// Every API request is held this many seconds (on the injected clock) before it is
    /// answered as it otherwise would be: a service that has stopped answering, for as long as
    /// a client cares to wait. 0 holds nothing.
    public var hangSeconds: Double
    /// Spoils the body of every API answer (whatever its status); nil sends bodies intact.
    public var body: BodyFault?
    /// With `body: .trickle`: bytes per write.
    public var trickleBytes: Int
    /// With `body: .trickle`: the pause before each write, on the injected clock.
    public var trickleIntervalMs: Int

    /// How an answer's body is spoiled.
    public enum BodyFault: String, Sendable, Hashable, Codable, CaseIterable {
        /// The status and headers as usual, but the JSON is broken (cut short and ended with a
        /// stray token), with a Content-Length that matches what is sent.
        case malformed
        /// `Content-Length` promises the whole body, half of it is sent, then the connection
        /// closes.
        case truncated
        /// The whole body, `trickleBytes` at a time with `trickleIntervalMs` before each write.
        case trickle
    }

    public init(
        latencyMs: Int = 0, failRate: Double = 0, rateLimit: Int? = nil, status: Int? = nil,
        retryAfterSeconds: Int? = nil, hangSeconds: Double = 0, body: BodyFault? = nil, trickleBytes: Int = 16,
        trickleIntervalMs: Int = 250, maxInFlight: Int? = nil
    ) {
        self.maxInFlight = maxInFlight
        self.latencyMs = latencyMs
        self.failRate = failRate
        self.rateLimit = rateLimit
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
        self.hangSeconds = hangSeconds
        self.body = body
        self.trickleBytes = trickleBytes
        self.trickleIntervalMs = trickleIntervalMs
    }

    enum CodingKeys: String, CodingKey {
        case latencyMs, failRate, rateLimit, status, retryAfterSeconds, hangSeconds, body, trickleBytes,
            trickleIntervalMs, maxInFlight
    }

    /// Every field may be missing (settings saved before it existed): missing means no fault.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let none = FaultSettings()
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs) ?? none.latencyMs
        failRate = try c.decodeIfPresent(Double.self, forKey: .failRate) ?? none.failRate
        rateLimit = try c.decodeIfPresent(Int.self, forKey: .rateLimit)
        maxInFlight = try c.decodeIfPresent(Int.self, forKey: .maxInFlight)
        status = try c.decodeIfPresent(Int.self, forKey: .status)
        retryAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .retryAfterSeconds)
        hangSeconds = try c.decodeIfPresent(Double.self, forKey: .hangSeconds) ?? none.hangSeconds
        body = try c.decodeIfPresent(BodyFault.self, forKey: .body)
        trickleBytes = try c.decodeIfPresent(Int.self, forKey: .trickleBytes) ?? none.trickleBytes
        trickleIntervalMs = try c.decodeIfPresent(Int.self, forKey: .trickleIntervalMs) ?? none.trickleIntervalMs
    }

    /// Why these settings cannot be applied, or nil when they can.
    public var problem: String? {
        if latencyMs < 0 { return "latencyMs must not be negative" }
        if !(0...1).contains(failRate) { return "failRate must be within 0...1" }
        if let rateLimit, rateLimit < 0 { return "rateLimit must not be negative" }
        if let maxInFlight, maxInFlight < 1 { return "maxInFlight must be at least 1" }
        if let status, !(400...599).contains(status) { return "status must be an error status, 400...599" }
        if let retryAfterSeconds, retryAfterSeconds < 0 { return "retryAfterSeconds must not be negative" }
        if !(0...3600).contains(hangSeconds) { return "hangSeconds must be within 0...3600" }
        if trickleBytes < 1 { return "trickleBytes must be at least 1" }
        if !(0...60_000).contains(trickleIntervalMs) { return "trickleIntervalMs must be within 0...60000" }
        return nil
    }
}
