import CompatAPI
import Ledger

/// What one operator action came to: its outcome, one line for the operator, the service's
/// answer when there was one, and the audit row that records it.
public struct OperatorActionResult<Value: Sendable>: Sendable {
    public var action: AuditAction
    public var conferenceSid: String
    /// The stream or call acted on; nil for conference actions.
    public var targetSid: String?
    public var outcome: AuditOutcome
    /// For the status line: what happened at the service, or its refusal (`CompatError.operatorMessage`).
    public var message: String
    /// What the service answered with (or, for a stream, what the ledger holds now).
    public var value: Value?
    /// The row appended to the audit trail; nil when the ledger could not write it.
    public var audit: AuditEntry?
    /// Why the audit row is missing, when it is.
    public var auditError: String?
    /// Why the stream ledger did not record what happened to a stream, when it did not. The
    /// service's outcome stands; only confdash's record of it is missing.
    public var ledgerError: String?
    /// The service's refusal or the transport's failure, when the action did not succeed: what
    /// the CLI's exit status and the dashboard's wording are chosen by.
    public var error: CompatError?

    public var succeeded: Bool { outcome == .ok }

    /// What confdash failed to write down, in words for the operator; nil when everything was
    /// recorded. Shown beside the service's outcome, never instead of it.
    public var recordingProblem: String? {
        var parts: [String] = []
        if let ledgerError { parts.append("the stream ledger did not record it (\(ledgerError))") }
        if let auditError { parts.append("the audit trail did not record it (\(auditError))") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}


