import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Emulator
import Foundation
import Ledger
import Testing

/// A stream started with a bearer token: the service gets the token, the ledger and its audit
/// trail only the fact that there was one.
@Suite struct AuditSecretsTests {
    @Test func bearerTokenNeverReachesTheLedgerFile() async throws {
        try await AuditHarness.run { h in
            let (conference, _) = await h.conference()
            let token = "bearer-\(UUID().uuidString)-do-not-store"
            let request = StartStreamRequest(
                url: "wss://media.example.com/listen", name: "secret-test", bearerToken: token,
                parameters: [StreamParameter(name: "room", value: "blue")])
            let started = await h.actions.startStream(conference: conference, conferenceName: nil, request)
            #expect(started.outcome == .ok)
            let sid = try #require(started.value?.sid)
            #expect(await h.server.world.stream(sid: sid)?.hasBearerToken == true)
            // A refused start carries the token too (a conference the service does not know): its
            // row must not either.
            let refused = await h.actions.startStream(conference: "CF-no-such-conference", conferenceName: nil, request)
            #expect(refused.outcome == .refused)

            let entries = try await h.ledger.auditEntries()
            #expect(entries.map { $0.parameters["bearerToken"] } == ["set", "set"])

            let bytes = try Self.rawBytes(of: h.ledgerPath)
            // The search can find what was stored, so not finding the token means something.
            #expect(bytes.range(of: Data("wss://media.example.com/listen".utf8)) != nil)
            #expect(bytes.range(of: Data("secret-test".utf8)) != nil)
            #expect(bytes.range(of: Data(token.utf8)) == nil)
            #expect(bytes.range(of: Data(String(token.prefix(20)).utf8)) == nil)
            #expect(bytes.range(of: Data(h.client.credentials.apiToken.utf8)) == nil)
        }
    }

    /// The database file and its -wal file, as they are on disk.
    static func rawBytes(of path: URL) throws -> Data {
        var bytes = try Data(contentsOf: path)
        let wal = URL(fileURLWithPath: path.path + "-wal")
        if FileManager.default.fileExists(atPath: wal.path) { bytes.append(try Data(contentsOf: wal)) }
        return bytes
    }
}
