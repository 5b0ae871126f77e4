import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Emulator
import Foundation
import Ledger
import Logging

/// A fresh emulator on loopback, a real client, and a real ledger file in a directory of its
/// own, with the audited actions over them; everything is closed and removed afterwards.
struct AuditHarness {
    let server: EmulatorServer
    let client: CompatClient
    let ledger: StreamLedger
    let ledgerPath: URL
    let actions: OperatorActions

    static let quiet: Logger = {
        var logger = Logger(label: "test.audit")
        logger.logLevel = .critical
        return logger
    }()

    /// `body` runs in the caller's isolation (a `@MainActor` test drives the run loop in it).
    static func run(
        readOnly: Bool = false, profile: String? = "ops", origin: AuditOrigin = .dashboard,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (AuditHarness) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledgerPath = directory.appendingPathComponent(StreamLedger.fileName)
        let ledger = try StreamLedger(path: ledgerPath)
        let configuration = EmulatorConfiguration(conferences: 0, streamStartDelay: .milliseconds(50))
        let server = try await EmulatorServer.start(configuration, logger: quiet)
        let client = CompatClient(
            endpoint: try Endpoint(server.baseURL),
            credentials: Credentials(projectID: configuration.accountSid, apiToken: configuration.apiToken),
            requestTimeout: .seconds(30), logger: quiet)
        let harness = AuditHarness(
            server: server, client: client, ledger: ledger, ledgerPath: ledgerPath,
            actions: OperatorActions(client: client, ledger: ledger, profile: profile, origin: origin, readOnly: readOnly))
        let outcome: Result<Void, any Error>
        do {
            try await body(harness)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await client.shutdown()
        await server.stop()
        try outcome.get()
    }

    /// A live conference with `participants` calls in it, and their call sids.
    func conference(participants: Int = 3) async -> (sid: String, calls: [String]) {
        let conference = await server.world.createConference(friendlyName: "Support Bridge", participants: participants)
        return (conference.sid, await server.world.participants(conferenceSid: conference.sid).map(\.callSid))
    }

    /// The one audit row there should be.
    func onlyAuditEntry() async throws -> AuditEntry? {
        let entries = try await ledger.auditEntries()
        return entries.count == 1 ? entries[0] : nil
    }
}
