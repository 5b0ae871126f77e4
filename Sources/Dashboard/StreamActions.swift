import CompatAPI
import Foundation
import Ledger

/// Starting and stopping streams through the service and recording every outcome in the
/// ledger: the one place both the dashboard and the CLI do it, since a stream started but not
/// recorded could never be listed again.
public struct StreamActions: Sendable {
    public let client: CompatClient
    public let ledger: StreamLedger

    public init(client: CompatClient, ledger: StreamLedger) {
        self.client = client
        self.ledger = ledger
    }

    /// What a stop came to, in words for the status line.
    public struct StopResult: Sendable, Equatable {
        public var sid: String
        public var name: String?
        public var outcome: StopOutcome
        /// The service's refusal or the transport failure, when there was one.
        public var error: String?
    }

    /// Why a start failed: the service refused, or it started and the ledger could not record it.
    public enum StartError: Error, Sendable, CustomStringConvertible {
        case refused(CompatError)
        case notRecorded(stream: ConferenceStream, reason: String)

        public var description: String {
            switch self {
            case .refused(let error): error.operatorMessage
            case .notRecorded(let stream, let reason):
                "stream \(stream.sid) started, but the ledger did not record it: \(reason) (stop it with :stop \(stream.sid))"
            }
        }
    }

    /// Starts a stream (sent exactly once, never retried) and records it.
    public func start(
        conference: String, conferenceName: String?, _ request: StartStreamRequest, from origin: StreamOrigin
    ) async throws(StartError) -> StreamRecord {
        let stream: ConferenceStream
        do {
            stream = try await client.startStream(conference: conference, request)
        } catch let error as CompatError {
            throw .refused(error)
        } catch {
            throw .refused(.unreachable(host: client.endpoint.host, reason: String(describing: error)))
        }
        do {
            return try await ledger.recordStarted(stream, request: request, conferenceName: conferenceName, from: origin, at: Date())
        } catch {
            throw .notRecorded(stream: stream, reason: String(describing: error))
        }
    }

    /// Stops a stream by sid, or by a name the ledger knows (sent as its sid: SignalWire documents
    /// stopping by sid only), and records the outcome whatever it is.
    public func stop(conference: String, stream: String) async -> StopResult {
        await stopTellingWhy(conference: conference, stream: stream).result
    }

    /// `stop`, with the error behind a refusal, so the audit trail can tell a refusal by the
    /// service from a request that never got an answer.
    func stopTellingWhy(conference: String, stream: String) async -> (result: StopResult, error: (any Error)?) {
        var known = try? await ledger.stream(sid: stream)
        if known == nil { known = try? await ledger.stream(named: stream, conferenceSid: conference) }
        let sid = known?.sid ?? stream
        let account = client.credentials.projectID
        let result: StopResult
        var failure: (any Error)?
        do {
            let stopped = try await client.stopStream(conference: conference, stream: sid)
            let outcome: StopOutcome = known?.status.isTerminal == true ? .alreadyStopped : .stopped
            result = StopResult(sid: stopped.sid, name: stopped.name ?? known?.name, outcome: outcome, error: nil)
        } catch let error as CompatError {
            let outcome: StopOutcome =
                error.httpStatus == 404 ? .notFound : .refused(error.operatorMessage)
            result = StopResult(sid: sid, name: known?.name, outcome: outcome, error: error.operatorMessage)
            failure = error
        } catch {
            failure = error
            result = StopResult(sid: sid, name: known?.name, outcome: .refused(String(describing: error)), error: String(describing: error))
        }
        _ = try? await ledger.recordStopped(
            sid: result.sid, conferenceSid: conference, accountSid: account, name: result.name, at: Date(),
            outcome: result.outcome)
        return (result, failure)
    }
}
