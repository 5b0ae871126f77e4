import CompatAPI
import Foundation
import Ledger

// What `streams start` and `streams stop` write to the ledger. The API cannot list streams, so
// a stream started here and not recorded would be lost to every later `streams list`.

extension StreamsCommand.Start {
    /// Records a stream the service has just started. If that fails, the stream still runs, so
    /// the error says which stream it is and how to stop it.
    func record(_ stream: ConferenceStream, _ request: StartStreamRequest, in ledger: StreamLedger) async throws {
        do {
            try await ledger.recordStarted(stream, request: request, conferenceName: nil, from: .cli, at: Date())
        } catch {
            throw CLIError(
                message: "started stream \(stream.sid) on \(conference), but the ledger did not record it: \(error) "
                    + "(stop it with: confdash streams stop \(conference) \(stream.sid))")
        }
    }
}

extension StreamsCommand.Stop {
    /// Stops the stream and records the outcome: stopped, already stopped, not found, or the
    /// service's refusal. A name the ledger knows is sent as its sid, since SignalWire documents
    /// stopping by sid only; anything else goes to the service as typed.
    func stopAndRecord(client: CompatClient, ledger: StreamLedger) async throws -> ConferenceStream {
        let known = try await ledgerCall { () async throws -> StreamRecord? in
            if let bySid = try await ledger.stream(sid: stream) { return bySid }
            return try await ledger.stream(named: stream, conferenceSid: conference)
        }
        let sid = known?.sid ?? stream
        let account = client.credentials.projectID
        do {
            let stopped = try await client.stopStream(conference: conference, stream: sid)
            try await ledgerCall {
                try await ledger.recordStopped(
                    sid: stopped.sid, conferenceSid: conference, accountSid: account, name: stopped.name, at: Date(),
                    outcome: known?.status.isTerminal == true ? .alreadyStopped : .stopped)
            }
            return stopped
        } catch let error as CompatError {
            if let service = error.serviceError {
                let outcome: StopOutcome = service.status == 404 ? .notFound : .refused(error.operatorMessage)
                do {
                    try await ledger.recordStopped(
                        sid: sid, conferenceSid: conference, accountSid: account, at: Date(), outcome: outcome)
                } catch {
                    // The service's answer is what the operator must see; the ledger's failure comes second.
                    Output.error("the ledger did not record the outcome: \(error)")
                }
            }
            throw error
        }
    }
}
