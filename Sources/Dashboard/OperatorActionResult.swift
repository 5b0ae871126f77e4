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
    /// For the status line: what happened, or the service's refusal (`CompatError.operatorMessage`).
    public var message: String
    /// What the service answered with (or, for a stream, what the ledger holds now).
    public var value: Value?
    /// The row appended to the audit trail; nil when the ledger could not write it.
    public var audit: AuditEntry?
    /// Why the audit row is missing, when it is.
    public var auditError: String?

    public var succeeded: Bool { outcome == .ok }
}

extension OperatorActionResult: Equatable where Value: Equatable {}
