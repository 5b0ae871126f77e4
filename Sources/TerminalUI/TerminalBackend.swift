/// What the run loop draws on and hears from: the ncurses `Terminal` on a real terminal, and
/// `TestBackend` in memory, so the whole draw path runs in tests (ratatui's TestBackend).
@MainActor
public protocol TerminalBackend: AnyObject {
    /// Keys, resizes and signals, in order.
    nonisolated var events: AsyncStream<TerminalEvent> { get }
    /// The screen size in cells.
    var size: Size { get }
    /// Borders and symbols for this terminal's locale.
    var glyphs: Glyphs { get }
    /// Frames written, and frames skipped because nothing had changed (for benchmarks).
    var framesWritten: Int { get }
    var framesSkipped: Int { get }
    /// Takes over the screen; `stop` gives it back, and is safe to call more than once.
    func start()
    func stop()
    /// Shows `frame`, writing only what changed since the last one. Returns a frame it no longer
    /// holds, for the next frame to be drawn in (`Frame.init(size:reusing:)`), when it has one.
    @discardableResult
    func draw(_ frame: Frame) -> Frame?
    /// Puts `text` on the operator's clipboard.
    func copyToClipboard(_ text: String)
    /// Reports the mouse's presses and wheel (`:mouse on`), or leaves the mouse to the terminal.
    func setMouse(_ on: Bool)
}

extension Terminal: TerminalBackend {}
