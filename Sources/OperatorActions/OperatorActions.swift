import CompatAPI
import Foundation
import Ledger

/// Every mutation an operator can make (streams, conferences, participants) carried out
/// through the service and appended to the ledger's audit trail, one row per request: the one
/// door both the dashboard and the CLI go through, so nothing changes unrecorded.
///
/// With `readOnly`, every method refuses before any request leaves the process. The refusal is
/// still audited (outcome `refused`): an attempt to change a live conference from a read-only
/// session is worth finding later, and the row stays on this host.
///
/// ```swift
/// let actions = OperatorActions(client: client, ledger: ledger, profile: "prod", origin: .cli)
/// let result = await actions.setMuted(conference: "CF…", call: "CA…", true)
/// print(result.message)
/// ```
public struct OperatorActions: Sendable {
    public let client: CompatClient
    public let ledger: StreamLedger
    /// The configuration profile in use, recorded with every action.
    public let profile: String?
    public let origin: AuditOrigin
    public let readOnly: Bool
    /// `user@host` of whoever runs this process: what a stream row says started it, on a store
    /// a team shares.
    public var operatorName: String { AuditEntry.currentOperator() }
    let now: @Sendable () -> Date

    /// What a refusal in read-only mode says, in the dashboard and the CLI alike.
    public static let readOnlyMessage = "confdash is read-only (--readonly or the profile's read_only)"

    public init(
        client: CompatClient, ledger: StreamLedger, profile: String? = nil, origin: AuditOrigin, readOnly: Bool = false,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.ledger = ledger
        self.profile = profile
        self.origin = origin
        self.readOnly = readOnly
        self.now = now
    }

    /// One action from start to audit: the read-only gate, the request, the outcome, the row.
    /// `body` returns the value and a short detail for the audit row on success.
    func perform<Value: Sendable>(
        _ action: AuditAction, conference: String, target: String?, parameters: [String: String],
        success: (Value) -> String,
        _ body: () async throws -> Value
    ) async -> OperatorActionResult<Value> {
        await RequestTrace.tracing {
            await performTraced(action, conference: conference, target: target, parameters: parameters, success: success, body)
        }
    }

    private func performTraced<Value: Sendable>(
        _ action: AuditAction, conference: String, target: String?, parameters: [String: String],
        success: (Value) -> String,
        _ body: () async throws -> Value
    ) async -> OperatorActionResult<Value> {
        guard !readOnly else {
            return await finish(
                action, conference: conference, target: target, parameters: parameters, outcome: .refused,
                message: Self.readOnlyMessage, detail: Self.readOnlyMessage, value: nil)
        }
        do {
            let value = try await body()
            let message = success(value)
            return await finish(
                action, conference: conference, target: target, parameters: parameters, outcome: .ok,
                message: message, detail: message, value: value)
        } catch {
            let message = Self.message(error)
            var result: OperatorActionResult<Value> = await finish(
                action, conference: conference, target: target, parameters: parameters,
                outcome: Self.outcome(of: error), message: message, detail: message, value: nil)
            result.error = error as? CompatError
            return result
        }
    }

    /// Appends the row; a ledger that cannot write does not undo what the service did, so the
    /// result keeps the service's outcome and says the row is missing (`recordingProblem`).
    func finish<Value: Sendable>(
        _ action: AuditAction, conference: String, target: String?, parameters: [String: String],
        outcome: AuditOutcome, message: String, detail: String?, value: Value?
    ) async -> OperatorActionResult<Value> {
        let entry = AuditEntry(
            at: now(), profile: profile, accountSid: client.credentials.projectID, action: action,
            conferenceSid: conference, targetSid: target, parameters: parameters, outcome: outcome, detail: detail,
            origin: origin, request: RequestTrace.current?.change)
        var result = OperatorActionResult<Value>(
            action: action, conferenceSid: conference, targetSid: target, outcome: outcome, message: message,
            value: value, audit: nil, auditError: nil)
        do {
            result.audit = try await ledger.recordAudit(entry)
        } catch {
            result.auditError = String(describing: error)
        }
        return result
    }

    /// `refused` when the service said no (a 4xx) or confdash would not send it; `unknown` when
    /// the request may have arrived but no answer says so (timeout, connection lost, a success
    /// cut off); `failed` when it surely did not happen (unreachable) or the service failed (5xx).
    static func outcome(of error: any Error) -> AuditOutcome {
        guard let error = error as? CompatError else { return .failed }
        if error.outcomeUnknown { return .unknown }
        switch error {
        case .service(let e, _): return (400..<500).contains(e.status) ? .refused : .failed
        case .invalidRequest: return .refused
        case .timedOut, .unreachable, .connectionLost, .unreadableResponse: return .failed
        }
    }

    static func message(_ error: any Error) -> String {
        (error as? CompatError)?.operatorMessage ?? String(describing: error)
    }
}
