import CNcurses
import DashboardCore
import Foundation
import Logging

/// The dashboard's run loop: terminal events and service results become messages, `update`
/// changes the state, the view renders a frame and the terminal writes only what changed.
/// Sleeps whenever nothing happens.
@MainActor
public final class DashboardApp {
    /// Why the loop ended, for the exit status and the last words on the restored terminal.
    public enum Ending: Equatable, Sendable {
        case quit
        case signal(TerminalSignal)
        case refreshLimit
    }

    let terminal: any TerminalBackend
    let effects: any EffectHandler
    let now: @Sendable () -> Date
    let maxRefreshes: Int?
    let logger: Logger
    public private(set) var state: AppState
    var view = DashboardView()
    let mailbox: Mailbox
    var wakeTask: Task<Void, Never>?
    var wakeAt: Date?
    /// The generation of rows whose filter index is being built off the loop, if any.
    var filterIndexBuilding: Int?
    /// The same for the sort's ranks of the columns of text.
    var sortRanksBuilding: Int?
    /// How long the last frame took to reach the terminal once rendered (for the slow-key log).
    var lastWrite = Duration.zero
    /// The frame the terminal last let go of: the next is drawn in its cells (no 400 KB allocated
    /// and faulted in for every frame).
    var spareFrame: Frame?
    var refreshes = 0
    var succeeded = 0
    /// When free memory was last handed back to the system: a successful poll does it again once
    /// `releaseMemoryEvery` has passed.
    var lastRelease: ContinuousClock.Instant?
    static let releaseMemoryEvery = Duration.seconds(20)
    /// Every this many successful polls (ten minutes at two seconds) the log says how much the
    /// screen's state holds (`AppState.census`).
    static let censusEvery = 300
    /// The table's window as last told to the poller, and how many times it was told.
    var windowShown: Set<String>?
    var windowVersion = 0
    /// Measurements for benchmarks, logged when the loop ends.
    var stats = SessionStats()

    /// What reaches the loop: the core's messages, or a signal that ends it.
    enum Input: Sendable {
        case message(Msg)
        case ended(TerminalSignal)
    }

    /// Where the service layer posts its messages (the poller's `emit`), in arrival order.
    public final class Mailbox: Sendable {
        let inputs: AsyncStream<Input>
        let continuation: AsyncStream<Input>.Continuation

        public init() {
            (inputs, continuation) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .unbounded)
        }

        public func post(_ msg: Msg) { continuation.yield(.message(msg)) }
        func end(_ signal: TerminalSignal) { continuation.yield(.ended(signal)) }
    }

    public init(
        state: AppState, terminal: any TerminalBackend, effects: any EffectHandler, mailbox: Mailbox,
        now: @escaping @Sendable () -> Date = { Date() }, maxRefreshes: Int? = nil,
        logger: Logger = Logger(label: "confdash.ui")
    ) {
        self.state = state
        self.terminal = terminal
        self.effects = effects
        self.mailbox = mailbox
        self.now = now
        self.maxRefreshes = maxRefreshes
        self.logger = logger
    }

    /// Runs until the operator quits, a signal arrives or the refresh limit is reached. The
    /// terminal is restored before this returns, whatever happened.
    public func run() async -> Ending {
        terminal.start()
        defer { terminal.stop() }
        view.glyphs = terminal.glyphs
        let size = terminal.size
        _ = update(&state, .resized(width: size.width, height: size.height))
        draw()
        stats.firstFrame = ContinuousClock.now - stats.started
        defer { logger.info("session stats", metadata: stats.metadata(terminal)) }

        let mailbox = self.mailbox
        let events = terminal.events
        let forwarder = Task { @MainActor in
            for await event in events {
                switch event {
                case .key(let key): mailbox.post(.key(key))
                case .mouse(let event): mailbox.post(.mouse(event))
                case .resize(let size): mailbox.post(.resized(width: size.width, height: size.height))
                case .signal(let signal): mailbox.end(signal)
                }
            }
        }
        effects.start()
        defer {
            forwarder.cancel()
            wakeTask?.cancel()
        }

        for await input in mailbox.inputs {
            var msg: Msg
            switch input {
            case .message(let message):
                msg = message
            case .ended(let signal):
                logger.info("ending on a signal", metadata: ["signal": "\(signal)"])
                return .signal(signal)
            }
            let received = ContinuousClock.now
            switch msg {
            case .tick: msg = .tick(now())
            case .pollSucceeded, .conferencesListed, .pollFailed, .pauseChanged:
                // These carry their own time.
                break
            default:
                // A key's or a result's status message lasts from now, not from the last poll:
                // with polls late or failing, the state's clock can be seconds behind, and the
                // message would be gone before anyone could read it.
                _ = update(&state, .tick(now()))
            }
            let keyName = Self.loggedName(of: msg, typedInto: state.modal)
            let filterIndex = state.filterIndexState
            let updating = ContinuousClock.now
            let effects = update(&state, msg)
            let updated = ContinuousClock.now
            for effect in effects {
                switch effect {
                case .quit: return .quit
                case .copyToClipboard(let text): terminal.copyToClipboard(text)
                case .setMouse(let on): terminal.setMouse(on)
                default: self.effects.perform(effect)
                }
            }
            switch msg {
            case .pollSucceeded:
                refreshes += 1
                succeeded += 1
                // Free memory back to the system after the first refresh (at 10,000 conferences
                // it read 60 MB of answers) and every 20 seconds after: under churn glibc kept
                // tens of megabytes freed in its arenas, and RSS grew with them; and the first
                // read's extra connections, let go of 15 seconds after it, free 6 MB of receive
                // buffers that a release a minute later held for most of that minute. Off the
                // loop: it walks the heap (1–9 ms at 10,000 in `confdash-bench memory`).
                let now = ContinuousClock.now
                if lastRelease.map({ now - $0 >= Self.releaseMemoryEvery }) ?? true {
                    lastRelease = now
                    Task.detached(priority: .background) { _ = confdash_release_free_memory() }
                }
                if succeeded % Self.censusEvery == 0 {
                    var metadata: Logger.Metadata = [:]
                    for (name, count) in state.census { metadata[name] = "\(count)" }
                    // Beside the counts, what the allocator holds: a soak that grows says whether
                    // it is objects kept (in use) or holes between them (free), without a debugger.
                    var inUse = 0, free = 0, mapped = 0
                    confdash_heap_figures(&inUse, &free, &mapped)
                    metadata["heap_in_use_kib"] = "\(inUse / 1024)"
                    metadata["heap_free_kib"] = "\(free / 1024)"
                    metadata["heap_mapped_kib"] = "\(mapped / 1024)"
                    logger.info("screen holding", metadata: metadata)
                }
            case .pollFailed:
                refreshes += 1
            case .profileSwitched:
                // A new poller: it has not been told the window yet.
                windowShown = nil
                logger.info("profile switched", metadata: ["profile": "\(state.profile ?? "-")"])
            default: break
            }
            let drawing = ContinuousClock.now
            draw()
            if case .key = msg {
                let drawn = ContinuousClock.now
                stats.keyToFrame.append(drawn - received)
                // A key slower than a frame at 60 Hz: where its time went, so that a slow press
                // seen on screen can be told from one that waited behind other work.
                if drawn - received > Self.frameBudget {
                    var metadata: Logger.Metadata = [
                        "key": "\(keyName)", "total_ms": "\(Self.ms(drawn - received))",
                        "update_ms": "\(Self.ms(updated - updating))", "render_ms": "\(Self.ms(drawn - drawing - lastWrite))",
                        "write_ms": "\(Self.ms(lastWrite))",
                        "before_ms": "\(Self.ms(updating - received))", "between_ms": "\(Self.ms(drawing - updated))",
                    ]
                    // A key of the filter typed before every row's text was built filters the old way.
                    if let filterIndex { metadata["filter_index"] = "\(filterIndex)" }
                    logger.info("slow key", metadata: metadata)
                }
            } else if ContinuousClock.now - received > Self.frameBudget {
                // A refresh or a result that held the loop longer than a frame: a key pressed
                // meanwhile waited for it, which the key's own time (from its message) leaves out.
                logger.info("slow message", metadata: [
                    "message": "\(Self.kind(of: msg))", "total_ms": "\(Self.ms(ContinuousClock.now - received))",
                    "update_ms": "\(Self.ms(updated - updating))", "write_ms": "\(Self.ms(lastWrite))",
                ])
            }
            // With the frame on screen: what the next keys will need (the filter's text of
            // every row), built off this loop so that no key waits for it.
            // The index let go of, or the texts the sort's ranks were worked out from (1,000 rows
            // or more, after the rows changed wholesale): handed back, off the loop, as after a
            // refresh; glibc keeps freed pages until told.
            var release = state.prepareAfterFrame()
            if case .sortRanksBuilt = msg { release = true }
            if release { Task.detached(priority: .background) { _ = confdash_release_free_memory() } }
            if let job = state.filterIndexJob, job.generation != filterIndexBuilding {
                filterIndexBuilding = job.generation
                let mailbox = self.mailbox
                Task.detached(priority: .userInitiated) { mailbox.post(.filterIndexBuilt(job.build())) }
            }
            // And the ranks `s` sorts a column of text by, once rows have come and after they
            // change wholesale (a refresh's few changed rows are put right in place).
            if let job = state.sortRanksJob, job.generation != sortRanksBuilding {
                sortRanksBuilding = job.generation
                let mailbox = self.mailbox
                Task.detached(priority: .utility) { mailbox.post(.sortRanksBuilt(job.build())) }
            }
            showWindow()
            if let maxRefreshes, refreshes >= maxRefreshes { return .refreshLimit }
            scheduleWake()
        }
        return .quit
    }

    static let frameBudget = Duration.milliseconds(16)

    /// A key as the slow-key log names it: a key typed into a form or prompt may be part of a
    /// secret (a stream's bearer token), so there only its kind; the table's keys and its
    /// filter's are named.
    nonisolated static func loggedName(of msg: Msg, typedInto modal: Modal?) -> String {
        guard case .key(let key) = msg else { return "" }
        switch modal {
        case nil, .filter: return key.displayName
        default:
            switch key {
            case .character, .paste: return "a character typed into \(modal.map(Self.modalName) ?? "a prompt")"
            default: return key.displayName
            }
        }
    }

    /// A message's case, without what it carries (a refresh carries every conference).
    nonisolated static func kind(of msg: Msg) -> String {
        Mirror(reflecting: msg).children.first?.label ?? String(describing: msg)
    }

    nonisolated static func modalName(_ modal: Modal) -> String {
        switch modal {
        case .startStreamForm: "the start-stream form"
        case .command: "the command line"
        case .urlPrompt: "a URL prompt"
        default: "a prompt"
        }
    }
    static func ms(_ d: Duration) -> String { String(format: "%.1f", LatencyHistogram.milliseconds(d)) }

    func draw() {
        let frame = view.render(state, size: terminal.size, reusing: spareFrame.take())
        let rendered = ContinuousClock.now
        spareFrame = terminal.draw(frame)
        lastWrite = ContinuousClock.now - rendered
    }

    /// Tells the poller when the table's window changed (a scroll, a filter, a refresh that
    /// reordered rows): the conferences in it are the ones kept freshest.
    func showWindow() {
        let window = state.conferencesInView
        guard window != windowShown else { return }
        windowShown = window
        windowVersion += 1
        effects.show(window, version: windowVersion)
    }

    /// Wakes the loop when a status message or highlight ends, never on a fixed beat.
    func scheduleWake() {
        guard let next = state.nextWake else {
            wakeTask?.cancel()
            wakeTask = nil
            wakeAt = nil
            return
        }
        if next == wakeAt { return }
        wakeTask?.cancel()
        wakeAt = next
        let delay = max(0.01, next.timeIntervalSince(now()))
        let mailbox = self.mailbox
        wakeTask = Task {
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            if !Task.isCancelled { mailbox.post(.tick(Date())) }
        }
    }
}

/// What one dashboard session measured: start to first frame, key press to frame on screen,
/// frames written and skipped as unchanged.
struct SessionStats {
    let started = ContinuousClock.now
    var firstFrame: Duration = .zero
    var keyToFrame = LatencyHistogram()

    @MainActor
    func metadata(_ terminal: any TerminalBackend) -> Logger.Metadata {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }
        return [
            "first_frame_ms": "\(ms(LatencyHistogram.milliseconds(firstFrame)))", "keys": "\(keyToFrame.count)",
            "key_to_frame_p50_ms": "\(ms(keyToFrame.percentile(0.5)))",
            "key_to_frame_p99_ms": "\(ms(keyToFrame.percentile(0.99)))", "key_to_frame_max_ms": "\(ms(keyToFrame.max))",
            "frames_written": "\(terminal.framesWritten)", "frames_skipped": "\(terminal.framesSkipped)",
        ]
    }
}

/// Key-to-frame times in buckets 1% apart, from a microsecond up: a fixed 7 KB however long the
/// session. Every time kept in an array grew by 16 bytes a key press, 400 KB in a two-hour soak.
/// A percentile is read as its bucket's middle, within half a percent; the largest is exact.
struct LatencyHistogram {
    static let ratio = 1.01
    static let smallest = 0.001  // milliseconds
    static let bucketCount = 1900  // up to about 160 s
    private var buckets = [UInt32](repeating: 0, count: bucketCount)
    private(set) var count = 0
    private(set) var max: Double?

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    mutating func append(_ d: Duration) {
        let value = Self.milliseconds(d)
        let index = value <= Self.smallest ? 0 : Int((log(value / Self.smallest) / log(Self.ratio)).rounded(.down)) + 1
        buckets[Swift.min(index, Self.bucketCount - 1)] += 1
        count += 1
        max = Swift.max(max ?? value, value)
    }

    /// The time under which a share `p` of the key presses drew their frame (nil: no key yet).
    func percentile(_ p: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = Swift.min(count - 1, Int(Double(count) * p))
        var seen = 0
        for (index, n) in buckets.enumerated() {
            seen += Int(n)
            guard seen > rank else { continue }
            if index == 0 { return Self.smallest }
            let middle = Self.smallest * pow(Self.ratio, Double(index) - 0.5)
            return Swift.min(middle, max ?? middle)
        }
        return max
    }
}
