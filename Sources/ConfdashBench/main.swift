import CompatAPI
import DashboardCore
import DashboardRuntime
import Emulator
import Foundation
import Logging
import Synchronization
import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

/// `confdash-bench`: the in-process figures of BENCHMARKS.md, each printed for a person to read.
///
///     confdash-bench poll   [--conferences 500] [--latency-ms 20] [--repetitions 5]
///     confdash-bench render [--conferences 5000] [--iterations 200]
///     confdash-bench memory [--conferences 2000] [--target URL]
///     confdash-bench draw   --out FILE [--conferences 5000] [--iterations 50]   (inside a terminal)
///     confdash-bench receiver [--rate 1000] [--seconds 10] [--store PATH|postgres://USER@HOST:PORT/DB]
///                             [--store-connections N] [--connections 16] [--in-flight 256]
///                             [--serve PORT | --target URL]   (the receiver and the generator as two processes)
///
/// Everything runs against a real `EmulatorServer` on loopback over real HTTP, through the real
/// `CompatClient`, `ConferencePoller`, `update`, `DashboardView` and `Terminal`: nothing is mocked.
/// Nothing is asserted either: these are figures to compare, on machines that are shared and noisy.

// Logs would land on the terminal being measured (and in its byte count): the bench is silent.
LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }

struct Options {
    var command = ""
    var conferences: Int?
    var latencyMs = 20
    var repetitions = 5
    var iterations: Int?
    var out: String?
    /// The receiver bench: callbacks a second, for how long, into which store (a file, or a
    /// PostgreSQL URL with its password in CONFDASH_STORE_PASSWORD), over how many connections.
    var rate = 1000
    var seconds = 10
    var store: String?
    /// How many connections a PostgreSQL store may hold open (the ledger's default otherwise).
    var storeConnections: Int?
    var connections = 16
    var inFlight = 256
    /// The receiver alone on this port (0 picks one), until SIGTERM or SIGINT.
    var serve: Int?
    /// The generator alone, against the receiver route at this URL.
    var target: String?

    static let usage = """
        usage: confdash-bench poll [--conferences 500] [--latency-ms 20] [--repetitions 5]
               confdash-bench render [--conferences 5000] [--iterations 200]
               confdash-bench memory [--conferences 2000] [--target URL]
               confdash-bench draw --out FILE [--conferences 5000] [--iterations 50]
               confdash-bench feed [--store PATH-OR-URL] [--iterations 100]
               confdash-bench receiver [--rate 1000] [--seconds 10] [--store PATH|postgres://USER@HOST:PORT/DB]
                                       [--store-connections N] [--connections 16] [--in-flight 256]
                                       [--serve PORT | --target URL]
               (a postgres:// store's password comes from CONFDASH_STORE_PASSWORD; --serve and --target
               share the signing key in CONFDASH_BENCH_SIGNING_KEY)
        """

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var rest = arguments[...]
        guard let command = rest.popFirst(), ["poll", "render", "draw", "receiver", "feed", "memory"].contains(command) else { return nil }
        options.command = command
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { return nil }
            switch flag {
            case "--conferences": options.conferences = Int(value)
            case "--latency-ms": options.latencyMs = Int(value) ?? options.latencyMs
            case "--repetitions": options.repetitions = max(1, Int(value) ?? options.repetitions)
            case "--iterations": options.iterations = Int(value).map { max(1, $0) }
            case "--out": options.out = value
            case "--rate": options.rate = max(1, Int(value) ?? options.rate)
            case "--seconds": options.seconds = max(1, Int(value) ?? options.seconds)
            case "--store": options.store = value
            case "--store-connections": options.storeConnections = Int(value).map { max(1, $0) }
            case "--serve": options.serve = Int(value)
            case "--target": options.target = value
            case "--connections": options.connections = max(1, Int(value) ?? options.connections)
            case "--in-flight": options.inFlight = max(1, Int(value) ?? options.inFlight)
            default: return nil
            }
        }
        return options
    }
}

// MARK: measuring

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

/// Median, p99, min and max of a sample, formatted the same way everywhere.
struct Sample {
    var values: [Double]

    var median: Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    func describe(_ unit: String = "ms", digits: Int = 1) -> String {
        let f = "%.\(digits)f"
        let sorted = values.sorted()
        let p99 = sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        let range =
            "p99 \(String(format: f, p99)), min \(String(format: f, sorted.first ?? .nan)), "
            + "max \(String(format: f, sorted.last ?? .nan)), n=\(values.count)"
        return "median \(String(format: f, median)) \(unit)  (\(range))"
    }
}

func line(_ label: String, _ value: String) {
    print("  " + label.padding(toLength: 58, withPad: " ", startingAt: 0) + value)
}

/// Bytes this process has handed to write(2) so far (/proc/self/io `wchar`): what reached the
/// terminal, when nothing else in the process writes.
func bytesWritten() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return -1 }
    for row in text.split(separator: "\n") where row.hasPrefix("wchar:") {
        return Int(row.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? -1
    }
    return -1
}

// MARK: the emulator and one full poll

let quiet = Logger(label: "confdash.bench")

/// An emulator with `conferences` live conferences (and nothing else) and a client for it.
func startEmulator(conferences: Int, latencyMs: Int) async throws -> (EmulatorServer, CompatClient) {
    var configuration = EmulatorConfiguration(seed: 11, conferences: 0)
    configuration.faults.latencyMs = latencyMs
    let server = try await EmulatorServer.start(configuration, logger: quiet)
    _ = await server.world.seed(conferences: conferences)
    let client = CompatClient(
        endpoint: try Endpoint(server.baseURL),
        credentials: Credentials(projectID: configuration.accountSid, apiToken: configuration.apiToken),
        logger: quiet)
    return (server, client)
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
}

/// The dashboard's own poller, fresh (so it reads every conference's participants), once.
func fullPoll(_ client: CompatClient, concurrency: Int = 8) async throws -> (PollSnapshot, Duration) {
    let result = Mutex<PollSnapshot?>(nil)
    let failure = Mutex<String?>(nil)
    let poller = ConferencePoller(
        source: client, settings: .init(maxConcurrency: concurrency), logger: quiet,
        emit: { msg in
            switch msg {
            case .pollSucceeded(let snapshot, _): result.withLock { $0 = snapshot }
            case .pollFailed(let reason, _, _, _): failure.withLock { $0 = reason }
            default: break
            }
        })
    let start = ContinuousClock.now
    await poller.run(limit: 1)
    let elapsed = ContinuousClock.now - start
    guard let snapshot = result.withLock({ $0 }) else {
        throw BenchError(description: "the poll failed: \(failure.withLock { $0 } ?? "no result")")
    }
    guard snapshot.participantFailures.isEmpty else {
        throw BenchError(description: "participants of \(snapshot.participantFailures.count) conferences not read")
    }
    return (snapshot, elapsed)
}

// MARK: poll cycle

/// The dashboard's refresh beside what a script on an SDK does: list the live conferences page by
/// page (the SDKs' default page size, 50), then each conference's participants, one request at a
/// time. Same run, same emulator, same client settings, turns interleaved so noise hits both.
func pollBench(_ options: Options) async throws {
    let count = options.conferences ?? 500
    // Against an emulator elsewhere (`--target URL`, credentials in SIGNALWIRE_PROJECT_ID and
    // SIGNALWIRE_API_TOKEN), so that another client (twilio-python) can be timed on the same one.
    let server: EmulatorServer?
    let client: CompatClient
    if let target = options.target {
        let environment = ProcessInfo.processInfo.environment
        guard let project = environment["SIGNALWIRE_PROJECT_ID"], let token = environment["SIGNALWIRE_API_TOKEN"] else {
            throw BenchError(description: "--target needs SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN")
        }
        server = nil
        client = CompatClient(
            endpoint: try Endpoint(target), credentials: Credentials(projectID: project, apiToken: token), logger: quiet)
        print("poll cycle: the emulator at \(target) (its own latency)")
    } else {
        let started = try await startEmulator(conferences: count, latencyMs: options.latencyMs)
        (server, client) = (started.0, started.1)
        print("poll cycle: \(count) live conferences with their participants, \(options.latencyMs) ms injected latency per request")
    }

    var dashboard: [Double] = [], sequential: [Double] = []
    var requestsSequential = 0
    var reached: [Int] = []
    for _ in 0..<options.repetitions {
        // A new client each time, as a dashboard starts: reads begin 8 at a time and grow.
        let fresh = CompatClient(endpoint: client.endpoint, credentials: client.credentials, logger: quiet)
        let (snapshot, elapsed) = try await fullPoll(fresh, concurrency: fresh.concurrency.level.ceiling)
        reached.append(fresh.concurrency.level.limit)
        await fresh.shutdown()
        guard snapshot.participants.count == count else {
            throw BenchError(description: "the poller read \(snapshot.participants.count) of \(count) participant lists")
        }
        dashboard.append(milliseconds(elapsed))

        let start = ContinuousClock.now
        var conferences: [Conference] = []
        var requests = 0
        for status in [ConferenceStatus.inProgress, .initializing] {
            for try await page in client.conferencePages(ConferenceFilter(status: status, pageSize: 50)) {
                conferences += page.items
                requests += 1
            }
        }
        var participants: [String: [Participant]] = [:]
        for conference in conferences {
            participants[conference.sid] = try await client.participants(
                conference: conference.sid, filter: ParticipantFilter(pageSize: 50))
            requests += 1
        }
        sequential.append(milliseconds(ContinuousClock.now - start))
        guard participants.count == count else {
            throw BenchError(description: "the loop read \(participants.count) of \(count) participant lists")
        }
        requestsSequential = requests
    }
    let perDashboard = Sample(values: dashboard), perLoop = Sample(values: sequential)
    line("dashboard, full first poll (8 → \(reached.max() ?? 0) in flight)", perDashboard.describe())
    line("sequential loop, SDK-style (\(requestsSequential) requests)", perLoop.describe())
    line("dashboard is faster by", String(format: "%.1fx (median over median)", perLoop.median / perDashboard.median))

    // The periodic refresh as the dashboard runs it: after the first poll only conferences that
    // changed, the one on screen and a tenth of the rest (the sweep) have their participants read.
    let stamps = Mutex<[ContinuousClock.Instant]>([])
    let steady = ConferencePoller(
        source: client, settings: .init(interval: .milliseconds(1)), logger: quiet,
        emit: { msg in if case .pollSucceeded = msg { stamps.withLock { $0.append(.now) } } })
    await steady.run(limit: options.repetitions + 1)
    let times = stamps.withLock { $0 }
    // Each gap is one poll plus the 1 ms interval between polls.
    let gaps = zip(times.dropFirst(), times).map { milliseconds($0 - $1) - 1 }
    line("dashboard steady-state refresh (1/10 participant sweep)", Sample(values: gaps).describe())

    await client.shutdown()
    await server?.stop()
}

// MARK: the state behind a 5,000-conference screen

/// An `AppState` at `size` holding one real poll of an emulator with `count` live conferences,
/// and the snapshot it came from. The emulator is stopped before this returns, so that nothing
/// else in the process writes while the terminal is measured.
func loadedState(conferences count: Int, size: Size) async throws -> (AppState, PollSnapshot, Duration) {
    let (server, client) = try await startEmulator(conferences: count, latencyMs: 0)
    let (snapshot, elapsed) = try await fullPoll(client, concurrency: 16)
    await client.shutdown()
    await server.stop()
    var state = AppState(space: "bench (emulator)", account: EmulatorConfiguration.demoProjectID, now: Date())
    _ = update(&state, .resized(width: size.width, height: size.height))
    _ = update(&state, .pollSucceeded(snapshot, at: Date()))
    return (state, snapshot, elapsed)
}

/// The snapshot with one more participant in `sid`: the smallest change a refresh can bring.
func joined(_ snapshot: PollSnapshot, sid: String, serial: Int) -> PollSnapshot {
    var next = snapshot
    var list = next.participants[sid] ?? []
    if var newcomer = list.first ?? next.participants.values.first(where: { !$0.isEmpty })?.first {
        newcomer.callSid = String(format: "CAbench%025ld", serial)
        newcomer.conferenceSid = sid
        list.append(newcomer)
    }
    next.participants[sid] = list
    return next
}

// MARK: render

/// Rendering alone, no terminal: what every key press and refresh costs in the view and the core.
@MainActor
func renderBench(_ options: Options) async throws {
    let count = options.conferences ?? 5000
    let iterations = options.iterations ?? 200
    let size = Size(width: 200, height: 60)
    let loaded = try await loadedState(conferences: count, size: size)
    var state = loaded.0, snapshot = loaded.1
    let pollTime = loaded.2
    let view = DashboardView(glyphs: .unicode)
    print("render: \(count) conferences, \(size.width)x\(size.height), \(iterations) iterations")
    line("(setup) full poll of \(count) conferences, no latency", String(format: "%.0f ms", milliseconds(pollTime)))

    var renders: [Double] = []
    var frame = view.render(state, size: size)
    for _ in 0..<iterations {
        let start = ContinuousClock.now
        frame = view.render(state, size: size)
        renders.append(milliseconds(ContinuousClock.now - start))
    }
    line("DashboardView.render", Sample(values: renders).describe(digits: 2))

    // What Terminal.draw does first: compare with the last frame to skip an unchanged one.
    var compares: [Double] = []
    for _ in 0..<iterations {
        let other = view.render(state, size: size)
        let start = ContinuousClock.now
        let same = other == frame
        compares.append(milliseconds(ContinuousClock.now - start))
        precondition(same, "two renders of one state differ")
    }
    line("Frame == Frame (the unchanged-frame check)", Sample(values: compares).describe(digits: 3))

    var keys: [Double] = []
    for i in 0..<iterations {
        let start = ContinuousClock.now
        _ = update(&state, .key(.character(i % 2 == 0 ? "j" : "k")))
        frame = view.render(state, size: size)
        keys.append(milliseconds(ContinuousClock.now - start))
    }
    line("key press (j/k): update + render", Sample(values: keys).describe(digits: 2))

    // The keys that work on every row: `s` sorts the whole table by the next column; each key
    // typed into `/` filters every conference (and, for a number, every participant's call).
    func typing(_ name: String, _ sequence: [Key], indexed: Bool = true) {
        var times: [Double] = [], prepared: [Double] = [], arrivals: [Double] = []
        for i in 0..<(iterations * 2) {
            // Without the index, keys wait for it (from 1,000 rows): it comes, built off the
            // loop, before the first backspace; taking it works the table out on the loop.
            if !indexed, case .backspace = sequence[i % sequence.count], state.filterWaitsForIndex,
                let job = state.filterIndexJob
            {
                let built = job.build()
                let start = ContinuousClock.now
                _ = update(&state, .filterIndexBuilt(built))
                frame = view.render(state, size: size)
                arrivals.append(milliseconds(ContinuousClock.now - start))
            }
            let start = ContinuousClock.now
            _ = update(&state, .key(sequence[i % sequence.count]))
            frame = view.render(state, size: size)
            times.append(milliseconds(ContinuousClock.now - start))
            // As the dashboard does once the frame is on screen (building the filter's index
            // after `/`, off its loop there): timed apart, as no key waits for it.
            let after = ContinuousClock.now
            state.prepareAfterFrame()
            if indexed, let job = state.filterIndexJob { _ = update(&state, .filterIndexBuilt(job.build())) }
            if let job = state.sortRanksJob { _ = update(&state, .sortRanksBuilt(job.build())) }
            prepared.append(milliseconds(ContinuousClock.now - after))
        }
        line(name, Sample(values: times).describe(digits: 2))
        // Each key's own median: which of them pass over every row.
        let each = sequence.indices.map { at -> String in
            let own = stride(from: at, to: times.count, by: sequence.count).map { times[$0] }
            return "\(keyName(sequence[at])) \(String(format: "%.1f", Sample(values: own).median))"
        }
        print("    by key (median ms): " + each.joined(separator: ", "))
        if !arrivals.isEmpty {
            print("    the index arriving after them (the table found by it, on the loop): " + Sample(values: arrivals).describe(digits: 2))
        }
        if let most = prepared.max(), most >= 0.1 {
            print("    the filter's index or the sort's ranks, built off the loop after the frame: at most " + String(format: "%.1f ms", most))
        }
    }
    func keyName(_ key: Key) -> String {
        switch key {
        case .character(let c): String(c)
        case .backspace: "BS"
        case .escape: "Esc"
        default: "\(key)"
        }
    }
    let number: [Key] = [.character("/")] + "+1555".map { .character($0) } + Array(repeating: .backspace, count: 5) + [.escape]
    let text: [Key] = [.character("/")] + "room".map { .character($0) } + Array(repeating: .backspace, count: 4) + [.escape]
    typing("key press (s, the next sort column): update + render", [.character("s")])
    typing(
        "key typed into the filter (/ r o o m, then back): update + render",
        text)
    typing(
        "key typed into the filter (/ + 1 5 5 5, then back): update + render",
        number)
    // Keys typed faster than the index is built (45-200 ms at 10,000): they wait for it, and
    // the table follows when it comes.
    typing(
        "the same keys before the filter's index is built: update + render",
        number,
        indexed: false)
    typing(
        "the same for / r o o m: update + render",
        text,
        indexed: false)
    // And the way before they waited: each worked out at once without the index.
    let waitsFrom = state.filterWaitsFrom
    state.filterWaitsFrom = .max
    typing(
        "the same keys worked out at once without the index (before they waited): update + render",
        number,
        indexed: false)
    typing(
        "the same for / r o o m: update + render",
        text,
        indexed: false)
    state.filterWaitsFrom = waitsFrom

    var refreshes: [Double] = []
    for _ in 0..<max(5, iterations / 10) {
        let start = ContinuousClock.now
        _ = update(&state, .pollSucceeded(snapshot, at: state.now))
        frame = view.render(state, size: size)
        refreshes.append(milliseconds(ContinuousClock.now - start))
    }
    line("refresh that changed nothing: update + render", Sample(values: refreshes).describe(digits: 2))

    // A row to change must be on screen; a run that ends with none shown (a poll that came
    // back short) says so rather than dividing by zero.
    let shown = min(20, state.visibleCount)
    guard shown > 0 else {
        line("refresh that changed one row: update + render", "no row shown, not timed")
        return
    }
    var changes: [Double] = []
    for i in 0..<max(5, iterations / 10) {
        let sid = state.visibleSid(at: i % shown)
        snapshot = joined(snapshot, sid: sid, serial: i)
        let start = ContinuousClock.now
        _ = update(&state, .pollSucceeded(snapshot, at: state.now))
        frame = view.render(state, size: size)
        changes.append(milliseconds(ContinuousClock.now - start))
    }
    line("refresh that changed one row: update + render", Sample(values: changes).describe(digits: 2))
}

// MARK: draw

/// Render and draw into the real terminal this runs in (bench.sh gives it a 200x60 tmux pane),
/// timing each and counting the bytes written to the terminal. Results go to `--out`, since the
/// screen is the thing measured.
@MainActor
func drawBench(_ options: Options) async throws {
    guard let out = options.out else { throw BenchError(description: "draw needs --out FILE") }
    guard isatty(STDOUT_FILENO) == 1 else { throw BenchError(description: "draw needs a terminal") }
    let count = options.conferences ?? 5000
    let iterations = options.iterations ?? 50
    var (state, snapshot, _) = try await loadedState(conferences: count, size: Size(width: 200, height: 60))
    var report: [String] = []
    let terminal = Terminal(colors: true)
    terminal.start()
    let size = terminal.size
    _ = update(&state, .resized(width: size.width, height: size.height))
    let view = DashboardView(glyphs: terminal.glyphs)

    /// One render + draw, as the dashboard does them (each frame drawn in the cells of the one
    /// the terminal let go of): its time and the bytes it wrote to the terminal.
    var spare: Frame?
    func step() -> (Double, Int) {
        let bytes = bytesWritten()
        let start = ContinuousClock.now
        spare = terminal.draw(view.render(state, size: size, reusing: spare.take()))
        let elapsed = milliseconds(ContinuousClock.now - start)
        return (elapsed, bytesWritten() - bytes)
    }
    func record(_ label: String, _ times: [Double], _ bytes: [Int]) {
        report.append(
            "  " + label.padding(toLength: 58, withPad: " ", startingAt: 0) + Sample(values: times).describe(digits: 2)
                + ";  bytes written: " + Sample(values: bytes.map(Double.init)).describe("B", digits: 0))
    }

    let (firstTime, firstBytes) = step()
    record("first frame (every cell)", [firstTime], [firstBytes])

    var times: [Double] = [], bytes: [Int] = []
    for _ in 0..<iterations {
        _ = update(&state, .pollSucceeded(snapshot, at: state.now))
        let (t, b) = step()
        times.append(t)
        bytes.append(b)
    }
    record("refresh that changed nothing", times, bytes)

    // A participant joins a conference on screen: its row's count changes and it is highlighted,
    // and the header's participant total changes with it.
    var joins: [Double] = [], joinBytes: [Int] = [], ends: [Double] = [], endBytes: [Int] = []
    var now = state.now
    for i in 0..<min(iterations, 20) {
        let sid = state.visibleSid(at: i % 20)
        snapshot = joined(snapshot, sid: sid, serial: i)
        now += 2
        _ = update(&state, .pollSucceeded(snapshot, at: now))
        let (t, b) = step()
        joins.append(t)
        joinBytes.append(b)
        // The highlight ends 1.5 s later: the row again, and the header's "refreshed 1s ago".
        _ = update(&state, .tick(now.addingTimeInterval(AppState.highlightLifetime)))
        let (t2, b2) = step()
        ends.append(t2)
        endBytes.append(b2)
    }
    record("refresh that changed one row (a participant joins)", joins, joinBytes)
    record("that row's highlight ends (and the header's age moves)", ends, endBytes)

    var keys: [Double] = [], keyBytes: [Int] = []
    for i in 0..<iterations {
        _ = update(&state, .key(.character(i % 2 == 0 ? "j" : "k")))
        let (t, b) = step()
        keys.append(t)
        keyBytes.append(b)
    }
    record("key press (j/k): the selection moves one row", keys, keyBytes)

    var sorts: [Double] = [], sortBytes: [Int] = []
    for _ in 0..<iterations {
        _ = update(&state, .key(.character("s")))
        let (t, b) = step()
        sorts.append(t)
        sortBytes.append(b)
    }
    record("key press (s): sorted by the next column (every row moves)", sorts, sortBytes)
    terminal.stop()

    let header = "render + draw into the terminal: \(count) conferences, \(size.width)x\(size.height), TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "?")"
    try ([header] + report).joined(separator: "\n").appending("\n").write(toFile: out, atomically: true, encoding: .utf8)
}

// MARK: main

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data((Options.usage + "\n").utf8))
    exit(2)
}
do {
    switch options.command {
    case "poll": try await pollBench(options)
    case "render": try await renderBench(options)
    case "receiver": try await receiverBench(options)
    case "feed": try await feedBench(options)
    case "memory": try await memoryBench(options)
    default: try await drawBench(options)
    }
} catch {
    FileHandle.standardError.write(Data("confdash-bench: \(error)\n".utf8))
    exit(1)
}
