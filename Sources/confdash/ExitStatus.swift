import ArgumentParser
import CompatAPI
import Foundation
import Ledger
import OperatorActions

/// The exit statuses of every scripting command: the contract the README's "Scripting: output
/// and exit codes" documents. Every failure ends here, through `CLIError` or `terminate`.
enum ExitStatus: Int32, CaseIterable, Sendable {
    case ok = 0
    /// Anything else: a ledger that cannot be opened or read, a question answered no.
    case failure = 1
    /// A bad argument, option or setting (also a missing credential or an unknown profile).
    case usage = 2
    /// The service refused the credentials (HTTP 401 or 403).
    case authentication = 3
    /// The conference, participant or stream does not exist (HTTP 404).
    case notFound = 4
    /// The service refused the request (another 4xx), or confdash is read-only.
    case refused = 5
    /// The service could not be reached, did not answer in time, failed (5xx) or answered
    /// something unreadable. For a change, only when it surely did not happen.
    case unreachable = 6
    /// A change whose answer never came (timeout, connection lost, a success cut off): it may
    /// have happened. Read the service (or `streams list`) before trying again.
    case outcomeUnknown = 7
    /// The service did it, but confdash's ledger or audit trail did not record it.
    case notRecorded = 8

    /// For a failed read (`mutation` false) or change (`mutation` true) at the service.
    static func of(_ error: CompatError, mutation: Bool) -> ExitStatus {
        if mutation && error.outcomeUnknown { return .outcomeUnknown }
        switch error {
        case .service(let e, _):
            switch e.status {
            case 401, 403: return .authentication
            case 404: return .notFound
            case 400..<500: return .refused
            default: return .unreachable
            }
        case .timedOut, .unreachable, .connectionLost, .unreadableResponse: return .unreachable
        case .invalidRequest: return .usage
        }
    }

    /// For an audited action that did not succeed: its error when it has one, else its outcome.
    static func of<Value>(_ result: OperatorActionResult<Value>) -> ExitStatus {
        if result.outcome == .unknown { return .outcomeUnknown }
        if let error = result.error { return of(error, mutation: true) }
        switch result.outcome {
        case .ok: return .ok
        case .refused: return .refused
        default: return .unreachable
        }
    }
}

/// A failure already put in the operator's words, and the exit status it ends with. Printed
/// on stderr as `confdash: …` (nothing when the message is empty: it was said already).
struct CLIError: Error, CustomStringConvertible {
    let message: String
    var status: ExitStatus = .failure

    var description: String { message }

    /// A failed read or change at the service.
    init(_ error: CompatError, mutation: Bool) {
        message = error.operatorMessage
        status = ExitStatus.of(error, mutation: mutation)
    }

    /// An audited action that did not succeed: its message, and the status for its error or
    /// outcome. One whose answer never came says so first: it may have happened.
    init<Value>(failed result: OperatorActionResult<Value>) {
        status = ExitStatus.of(result)
        // Said once: a start's own message already begins with it.
        message =
            status == .outcomeUnknown && !result.message.hasPrefix("outcome unknown")
            ? "outcome unknown (it may have happened): \(result.message)" : result.message
    }

    init(message: String, status: ExitStatus = .failure) {
        self.message = message
        self.status = status
    }
}

extension CLIError: LocalizedError {
    var errorDescription: String? { message }
}

/// How the process ends when a command throws: the one place an error becomes an exit status
/// and a line on stderr.
enum CLIExit {
    static func terminate(_ error: any Error) -> Never {
        let (message, code) = outcome(of: error)
        if !message.isEmpty {
            // Help and version are what was asked for: stdout. Everything else: stderr.
            let handle = code == 0 ? FileHandle.standardOutput : FileHandle.standardError
            handle.write(Data((message + "\n").utf8))
        }
        exit(code)
    }

    /// What to print (already prefixed `confdash: `) and the status, for any error a command
    /// can throw.
    static func outcome(of error: any Error) -> (message: String, code: Int32) {
        switch error {
        case let error as CLIError:
            return (error.message.isEmpty ? "" : Output.prefix + error.message, error.status.rawValue)
        case let error as CompatError:
            return (Output.prefix + error.operatorMessage, ExitStatus.of(error, mutation: false).rawValue)
        case let error as LedgerError:
            return (Output.prefix + error.description, ExitStatus.failure.rawValue)
        case let code as ExitCode where code.rawValue != ExitCode.validationFailure.rawValue:
            // Thrown on purpose (the dashboard's signal statuses 129, 130, 143): as it is.
            return ("", code.rawValue)
        default:
            // swift-argument-parser's own: help and version (0, on stdout), a usage error (its
            // EX_USAGE, 64, is our 2), or something unexpected (1).
            let text = Confdash.fullMessage(for: error)
            let code = Confdash.exitCode(for: error)
            if code == .success { return (text, 0) }
            if code == .validationFailure { return (text, ExitStatus.usage.rawValue) }
            return (text, ExitStatus.failure.rawValue)
        }
    }
}
