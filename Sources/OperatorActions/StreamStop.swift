import Ledger

/// What a stop came to at the service, whatever the ledger made of it.
public struct StreamStop: Sendable, Equatable {
    public var sid: String
    public var name: String?
    public var outcome: StopOutcome
    /// The service's refusal or the transport failure, when there was one.
    public var error: String?

    public init(sid: String, name: String?, outcome: StopOutcome, error: String?) {
        self.sid = sid
        self.name = name
        self.outcome = outcome
        self.error = error
    }

    /// `MZ… (name)`, or the sid alone.
    public var label: String { name.map { "\(sid) (\($0))" } ?? sid }
}
