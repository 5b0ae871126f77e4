import CompatAPI
import Foundation
import Ledger

/// `ledger-writer STORE PREFIX COUNT`: records COUNT started streams, each followed by its
/// stream-started callback, one transaction each. LedgerTests runs several at once against one
/// store (a file, or a postgres:// URL with the password in CONFDASH_STORE_PASSWORD) to prove
/// that concurrent processes lose no write.
@main
enum LedgerWriter {
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.count == 3, let count = Int(arguments[arguments.startIndex + 2]), count >= 0 else {
            fail("usage: ledger-writer STORE PREFIX COUNT")
        }
        let prefix = arguments[arguments.startIndex + 1]
        do {
            let location = try StoreLocation.parse(
                arguments[arguments.startIndex],
                password: ProcessInfo.processInfo.environment["CONFDASH_STORE_PASSWORD"])
            let ledger = try StreamLedger(location)
            defer { Task { await ledger.close() } }
            for index in 0..<count {
                let sid = "\(prefix)-\(index)"
                let now = Date()
                let stream = ConferenceStream(
                    sid: sid, conferenceSid: "CF-\(prefix)", accountSid: "AC-writer", name: sid, status: .queued,
                    dateUpdated: ServiceDate(now), uri: "")
                try await ledger.recordStarted(
                    stream, request: StartStreamRequest(url: "wss://example.com/\(sid)", name: sid),
                    conferenceName: "writer \(prefix)", from: .cli, at: now)
                try await ledger.applyCallback(
                    StreamCallback(
                        accountSid: "AC-writer", conferenceSid: "CF-\(prefix)", streamSid: sid, event: .started,
                        at: Date()))
            }
        } catch {
            fail("ledger-writer \(prefix): \(error)")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
    }
}
