import DashboardCore

/// An in-memory terminal for tests: keys and resizes go in with `send` and `resize`, and every
/// frame the run loop draws comes out as a value to read or wait for. Nothing touches a tty.
///
/// ```swift
/// let backend = TestBackend(width: 80, height: 24)
/// let app = DashboardApp(state: state, backend: backend, effects: runtime, mailbox: mailbox)
/// let run = Task { await app.run() }
/// _ = await backend.frame(within: .seconds(10)) { $0.lines.contains { $0.contains("standup") } }
/// backend.send(.character("q"))
/// #expect(await run.value == .quit)
/// ```
@MainActor
public final class TestBackend: TerminalBackend {
    public nonisolated let events: AsyncStream<TerminalEvent>
    private let continuation: AsyncStream<TerminalEvent>.Continuation
    public private(set) var size: Size
    public var glyphs: Glyphs
    public private(set) var framesWritten = 0
    public private(set) var framesSkipped = 0
    /// The frame on screen (nil before the first draw).
    public private(set) var frame: Frame?
    /// What was put on the clipboard, oldest first.
    public private(set) var clipboard: [String] = []
    public private(set) var isActive = false
    public private(set) var startCount = 0
    public private(set) var stopCount = 0

    private struct Waiter {
        let id: Int
        let predicate: (Frame) -> Bool
        let resume: (Frame?) -> Void
    }
    private var waiters: [Waiter] = []
    private var nextWaiter = 0

    public init(width: Int, height: Int, glyphs: Glyphs = .unicode) {
        size = Size(width: width, height: height)
        self.glyphs = glyphs
        (events, continuation) = AsyncStream.makeStream(of: TerminalEvent.self, bufferingPolicy: .unbounded)
    }

    public func start() {
        isActive = true
        startCount += 1
    }

    public func stop() {
        guard isActive else { return }
        isActive = false
        stopCount += 1
        continuation.finish()
    }

    @discardableResult
    public func draw(_ frame: Frame) -> Frame? {
        guard frame != self.frame else {
            framesSkipped += 1
            return nil
        }
        self.frame = frame
        framesWritten += 1
        let ready = waiters.filter { $0.predicate(frame) }
        waiters.removeAll { waiter in ready.contains { $0.id == waiter.id } }
        for waiter in ready { waiter.resume(frame) }
        return nil
    }

    public func copyToClipboard(_ text: String) { clipboard.append(text) }
    /// What `setMouse` was last told.
    public private(set) var mouse = false
    public func setMouse(_ on: Bool) { mouse = on }

    /// Types a key, as the terminal would report it.
    public func send(_ key: Key) { continuation.yield(.key(key)) }

    /// Types each character of `text`.
    public func type(_ text: String) {
        for character in text { send(.character(character)) }
    }

    /// The terminal changed size.
    public func resize(to size: Size) {
        self.size = size
        continuation.yield(.resize(size))
    }

    /// A signal arrived (C-c from outside, `kill`, the terminal going away).
    public func signal(_ signal: TerminalSignal) { continuation.yield(.signal(signal)) }

    /// The first frame drawn (this one included) that satisfies `predicate`, or nil when none
    /// came within `timeout`. Waits on draws, not on a timer: it returns the moment one matches.
    public func frame(within timeout: Duration = .seconds(10), where predicate: @escaping (Frame) -> Bool) async -> Frame? {
        if let frame, predicate(frame) { return frame }
        let id = nextWaiter
        nextWaiter += 1
        return await withCheckedContinuation { (continuation: CheckedContinuation<Frame?, Never>) in
            var resumed = false
            waiters.append(
                Waiter(id: id, predicate: predicate) { frame in
                    guard !resumed else { return }
                    resumed = true
                    continuation.resume(returning: frame)
                })
            Task { @MainActor in
                try? await Task.sleep(for: timeout)
                guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return }
                let waiter = self.waiters.remove(at: index)
                waiter.resume(nil)
            }
        }
    }

    /// `frame(within:where:)` for a frame that shows `text` somewhere.
    public func frame(showing text: String, within timeout: Duration = .seconds(10)) async -> Frame? {
        await frame(within: timeout) { frame in frame.lines.contains { $0.contains(text) } }
    }
}
