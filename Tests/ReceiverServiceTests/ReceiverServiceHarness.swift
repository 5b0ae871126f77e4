import StoreTestSupport
import AsyncHTTPClient
import CallbackReceiver
import CompatAPI
import Foundation
import Ledger
import Logging
import NIOCore
import ReceiverService
import ServiceLifecycle

/// A real team receiver on an ephemeral loopback port over a real store (a ledger file, or a
/// database on the tests' own PostgreSQL server), serving two profiles with keys of their own,
/// and an HTTP client to call it the way the service does.
struct ReceiverServiceHarness {
    static let keyA = "PSKteamA-5c1e9a7d3b2f48e6a0c4d8b2f6e1a3c9"
    static let keyB = "PSKteamB-8f3a1c6e2d9b47a5c0e8f4b2d6a1c3e7"
    static let profiles = [
        ReceiverProfile(name: "a", signingKey: keyA), ReceiverProfile(name: "b", signingKey: keyB),
    ]
    static let quiet: Logger = {
        var logger = Logger(label: "test.receiver")
        logger.logLevel = .critical
        return logger
    }()

    /// Where the store is: a new ledger file, or a fresh database on a PostgreSQL server.
    enum Store: Sendable {
        case sqlite
        case postgres(url: String)

        /// A fresh database on the tests' shared PostgreSQL server.
        static func freshPostgres() async throws -> Store {
            .postgres(url: try await TestPostgres.shared.freshDatabase().url)
        }

        /// The store for `engine`, new and empty.
        static func fresh(_ engine: Engine) async throws -> Store {
            engine == .sqlite ? .sqlite : try await freshPostgres()
        }
    }

    let directory: URL
    /// The SQLite file (a SQLite store only).
    let ledgerFile: URL
    let ledger: StreamLedger
    let service: ReceiverService
    let group: ServiceGroup
    let http: HTTPClient
    let port: Int

    /// Runs `body` with a started receiver, then shuts it down gracefully and waits for it.
    /// `serving`: what the receiver writes to instead of the ledger (a store that fails on purpose).
    static func run<T>(
        profiles: [ReceiverProfile] = profiles, logger: Logger = quiet, store: Store = .sqlite,
        retryAfterSeconds: Int = 5, healthTimeout: Duration = .seconds(20), storeTimeout: Duration = .seconds(10),
        serving: (any CallbackStore)? = nil,
        _ body: (ReceiverServiceHarness) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("team-receiver-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledgerFile = directory.appendingPathComponent(StreamLedger.fileName)
        let ledger: StreamLedger
        switch store {
        case .sqlite: ledger = try StreamLedger(path: ledgerFile)
        case .postgres(let url):
            ledger = StreamLedger(postgres: try PostgresStoreSettings.parse(url, password: TestPostgres.password))
        }
        // Connected and its schema brought up to date before the first callback comes: a sender
        // (the emulator gives up after 5 s) must not wait for migrations on a loaded machine.
        try await ledger.ping()
        let service = try ReceiverService(
            configuration: ReceiverConfiguration(
                port: 0, profiles: profiles, retryAfterSeconds: retryAfterSeconds, healthTimeout: healthTimeout,
                storeTimeout: storeTimeout),
            store: serving ?? ledger, logger: logger)
        let (bound, boundSink) = AsyncStream.makeStream(of: Int.self)
        let group = service.serviceGroup(gracefulShutdownSignals: []) { port in boundSink.yield(port) }
        let running = Task {
            defer { boundSink.finish() }
            try await group.run()
        }
        var ports = bound.makeAsyncIterator()
        guard let port = await ports.next() else {
            try await running.value
            throw HarnessError.didNotStart
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let harness = ReceiverServiceHarness(
            directory: directory, ledgerFile: ledgerFile, ledger: ledger, service: service, group: group, http: http,
            port: port)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(harness))
        } catch {
            result = .failure(error)
        }
        try? await http.shutdown()
        await group.triggerGracefulShutdown()
        try await running.value
        await close(ledger, within: .seconds(10))
        return try result.get()
    }

    /// Closes the store, or stops waiting after `limit`: closing waits for the writes under way,
    /// and a PostgreSQL write left on a connection the server closed under it (a test that stops
    /// the server) may never return. The test's checks are done by then; the process ends soon.
    static func close(_ ledger: StreamLedger, within limit: Duration) async {
        let (done, finish) = AsyncStream.makeStream(of: Bool.self)
        Task {
            await ledger.close()
            finish.yield(true)
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            finish.yield(false)
        }
        var outcomes = done.makeAsyncIterator()
        let closed = await outcomes.next() ?? false
        timer.cancel()
        finish.finish()
        if !closed {
            FileHandle.standardError.write(Data("note: the store at \(ledger.location) did not close within \(limit)\n".utf8))
        }
    }

    enum HarnessError: Error { case didNotStart }

    /// The path of `profile`'s route for `kind` (its stream callbacks unless said), and the URL
    /// the service signs for it.
    func path(_ profile: String, _ kind: ReceiverRoute.Kind = .stream) -> String {
        kind == .stream
            ? ReceiverConfiguration.callbackPath(profile: profile)
            : ReceiverConfiguration.conferenceEventsPath(profile: profile)
    }
    func url(_ profile: String, _ kind: ReceiverRoute.Kind = .stream) -> String {
        "http://127.0.0.1:\(port)\(path(profile, kind))"
    }

    /// A form POST of `fields` to `profile`'s route for `kind`, signed over `signedFor`'s URL
    /// (the same route unless given) with `key` (that profile's unless given), or not signed at all.
    func post(
        _ fields: [(String, String)], to profile: String, _ kind: ReceiverRoute.Kind = .stream,
        signedFor: (profile: String, kind: ReceiverRoute.Kind)? = nil, key: String? = nil, unsigned: Bool = false
    ) async throws -> Answer {
        let signer = signedFor ?? (profile, kind)
        let signingKey = unsigned ? nil : key ?? (signer.profile == "b" ? Self.keyB : Self.keyA)
        return try await send(
            request(fields, to: profile, kind, signedURL: url(signer.profile, signer.kind), key: signingKey))
    }

    /// The request a sender makes: a form POST, signed when `key` is given.
    func request(
        _ fields: [(String, String)], to profile: String, _ kind: ReceiverRoute.Kind = .stream, signedURL: String,
        key: String?
    ) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(profile, kind))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let key {
            request.headers.add(
                name: WebhookSignature.headerName,
                value: WebhookSignature.compute(url: signedURL, parameters: fields, key: key))
        }
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))
        return request
    }

    func get(_ path: String) async throws -> Answer {
        try await send(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"))
    }

    func send(_ request: HTTPClientRequest) async throws -> Answer {
        // Generous: the whole suite runs beside this, and a write waits out the busy timeout.
        let response = try await http.execute(request, timeout: .seconds(60), logger: Self.quiet)
        let body = try await response.body.collect(upTo: 1 << 20)
        return Answer(
            status: Int(response.status.code), body: String(buffer: body),
            headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a }))
    }

    struct Answer {
        var status: Int
        var body: String
        var headers: [String: String]
    }

    /// One series of `/metrics`, e.g. `metric("confdash_receiver_callbacks_rejected_total", ["reason": "wrong_url"])`.
    func metric(_ name: String, _ labels: [String: String] = [:]) async throws -> Double? {
        let text = try await get(ReceiverService.metricsPath).body
        return Self.metric(name, labels, in: text)
    }

    static func metric(_ name: String, _ labels: [String: String], in exposition: String) -> Double? {
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let value = line[line.index(after: space)...]
            let seriesName = series.prefix { $0 != "{" }
            guard seriesName == name else { continue }
            var found: [String: String] = [:]
            if let open = series.firstIndex(of: "{") {
                for pair in series[series.index(after: open)...].dropLast().split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    found[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
            }
            if labels.allSatisfy({ found[$0.key] == $0.value }) { return Double(value) }
        }
        return nil
    }

    /// The accepted counter of `profile`'s `kind`.
    func accepted(_ profile: String, _ kind: ReceiverRoute.Kind = .stream) async throws -> Double? {
        try await metric("confdash_receiver_callbacks_accepted_total", ["profile": profile, "kind": kind.rawValue])
    }

    /// Every conference event in the store, oldest first. The store has no list of them (the
    /// dashboard reads them by the ids its change feed names), so this reads the first ids: a
    /// new store numbers them from 1, and PostgreSQL's sequence may skip a few that a failed
    /// write took.
    func storedConferenceEvents(upTo last: Int64 = 5000) async throws -> [StoredConferenceEvent] {
        try await ledger.conferenceEvents(ids: Array(1...last))
    }

    /// Every refusal counter, by reason.
    func rejections() async throws -> [String: Double] {
        let text = try await get(ReceiverService.metricsPath).body
        var counts: [String: Double] = [:]
        for reason in RejectionReason.allCases {
            counts[reason.rawValue] = Self.metric("confdash_receiver_callbacks_rejected_total", ["reason": reason.rawValue], in: text)
        }
        return counts
    }
}

/// Callbacks as the service sends them.
enum Sample {
    static let account = "AC-team"
    static let conference = "CF-team"

    /// A conference status callback, as the service sends one for cXML's `<Conference>`.
    static func conferenceFields(
        _ event: String = "participant-join", call: String? = "CA-1", sequence: Int = 1, conference: String = conference
    ) -> [(String, String)] {
        var fields = [
            ("ConferenceSid", conference), ("FriendlyName", "Team bridge"), ("AccountSid", account),
            ("SequenceNumber", String(sequence)), ("Timestamp", "Fri, 15 Jan 2027 08:00:00 +0000"),
            ("StatusCallbackEvent", event),
        ]
        if let call {
            fields += [
                ("CallSid", call), ("Muted", "false"), ("Hold", "false"), ("Coaching", "false"),
                ("EndConferenceOnExit", "false"), ("StartConferenceOnEnter", "true"),
            ]
        }
        return fields
    }

    static func fields(_ sid: String, _ event: String = "stream-started") -> [(String, String)] {
        [
            ("AccountSid", account), ("CallSid", ""), ("ConferenceSid", conference), ("StreamSid", sid),
            ("StreamName", sid), ("StreamTrack", "both_tracks"), ("StreamEvent", event),
            ("Timestamp", "2027-01-15T08:00:00.000Z"), ("Unique-ID", UUID().uuidString),
        ]
    }
}

/// Checks `condition` until it holds or `timeout` passes: waits on real I/O for what it expects.
func waitUntil(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    repeat {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    } while clock.now < deadline
    return try await condition()
}
