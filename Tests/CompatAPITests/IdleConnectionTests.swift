import CompatAPI
import Emulator
import Foundation
import Logging
import Testing

/// A dashboard's client lets go of connections no read has used for a while: the extra ones a
/// burst of reads opened (each with its receive buffers) close soon after it, while the ones
/// every refresh uses outlive the gap between refreshes.
struct IdleConnectionTests {
    @Test func theTimeoutOutlivesTheGapBetweenRefreshes() {
        for refresh in [1.0, 2, 5, 14, 30, 600, 3600] {
            let timeout = CompatClient.idleConnectionTimeout(refreshSeconds: refresh)
            #expect(timeout > .seconds(refresh), "refresh \(refresh)s")
            // Not the pool's 60 seconds at the default refresh: a first read's burst is let go of
            // a quarter of a minute after it.
            if refresh <= 5 { #expect(timeout == .seconds(15)) }
        }
    }

    @Test func connectionsNoReadUsesAreClosed() async throws {
        var quiet = Logger(label: "test.emulator")
        quiet.logLevel = .critical
        let configuration = EmulatorConfiguration(conferences: 40)
        let server = try await EmulatorServer.start(configuration, logger: quiet)
        let port = try #require(URL(string: server.baseURL)?.port)
        let client = CompatClient(
            endpoint: try Endpoint(server.baseURL),
            credentials: Credentials(projectID: configuration.accountSid, apiToken: configuration.apiToken),
            requestTimeout: .seconds(30), logger: quiet, idleConnectionTimeout: .seconds(3))
        do {
            try await burstThenIdle(client, port: port)
        } catch {
            await client.shutdown()
            await server.stop()
            throw error
        }
        await client.shutdown()
        await server.stop()
    }

    func burstThenIdle(_ client: CompatClient, port: Int) async throws {
        // A burst: several reads at once, each on a connection of its own.
        let conferences = try await client.conferences()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for conference in conferences.prefix(8) {
                group.addTask { try await client.participants(conference: conference.sid).count }
            }
            for try await _ in group {}
        }
        // Read within the idle timeout of the last answer (3 s: a loaded machine can pause).
        #expect(Self.established(toPort: port) >= 1)

        // Nothing more is read: the pool closes them once they have been idle that long.
        let deadline = ContinuousClock.now + .seconds(30)
        while Self.established(toPort: port) > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(Self.established(toPort: port) == 0)

        // And a read after that opens one again.
        #expect(try await client.conferences().count == conferences.count)
    }

    /// Client sockets connected to `port` on loopback (the kernel's table; the emulator's own
    /// side of each connection has the port as its local one, not its remote).
    static func established(toPort port: Int) -> Int {
        var count = 0
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to the end: the kernel hands a table this size out a page a read, and a
            // single read of its (zero) stated size stops at the first page.
            guard let data = FileHandle(forReadingAtPath: table)?.readDataToEndOfFile(),
                let text = String(data: data, encoding: .utf8)
            else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 3, let remotePort = fields[2].split(separator: ":").last,
                    Int(remotePort, radix: 16) == port, fields[3] == "01"
                else { continue }
                count += 1
            }
        }
        return count
    }
}
