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
        self.faults = faults
    }
}

/// Faults the emulator injects into API responses (never into the admin surface).
public struct FaultSettings: Sendable, Hashable, Codable {
    /// Added to every API response, measured on the injected clock.
    public var latencyMs: Int
    /// The share of API requests, 0...1, answered with a 500.
    public var failRate: Double
    /// API requests allowed per one-second window before answering 429 (code 20429,
    /// `Retry-After: 1`); nil means unlimited.
    public var rateLimit: Int?

    public init(latencyMs: Int = 0, failRate: Double = 0, rateLimit: Int? = nil) {
        self.latencyMs = latencyMs
        self.failRate = failRate
        self.rateLimit = rateLimit
    }
}
