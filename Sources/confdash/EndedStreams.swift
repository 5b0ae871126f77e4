import CompatAPI
import Foundation
import Ledger

/// A conference the CLI sees completed cannot have a stream running: the ledger's open streams
/// of it (queued or in-progress) are marked ended, as the dashboard's poll does. Without status
/// callbacks nothing else would ever close them.
enum EndedStreams {
    /// Marks the open streams of every completed conference in `conferences` ended in the
    /// ledger `options` names. Best effort: a ledger that does not exist is not created (a
    /// listing never makes one), and one that cannot be opened, read or written is a warning on
    /// stderr, never the command's failure.
    static func mark(_ conferences: [Conference], in options: LedgerOptions, now: Date = Date()) async {
        let completed = conferences.filter { $0.status == .completed }
        guard !completed.isEmpty else { return }
        do {
            // A file that does not exist is not created by a listing; a PostgreSQL store exists.
            if case .file(let url) = try options.location(), !FileManager.default.fileExists(atPath: url.path) {
                return
            }
            let ledger = try options.open()
            try await mark(completed.map(\.sid), in: ledger, now: now)
        } catch {
            Output.error("warning: could not mark the streams of completed conferences ended: \(error)")
        }
    }

    /// The same on an open ledger, for the completed conferences `sids`.
    static func mark(_ sids: [String], in ledger: StreamLedger, now: Date = Date()) async throws {
        let open = Set(try await ledger.streams().filter { !$0.status.isTerminal }.map(\.conferenceSid))
        for sid in sids where open.contains(sid) {
            let ended = try await ledger.markConferenceEnded(conferenceSid: sid, at: now)
            if !ended.isEmpty {
                Output.note("\(Output.count(ended.count, "stream")) of completed conference \(sid) marked ended in the ledger")
            }
        }
    }
}
