import Foundation
import CNcurses
import DashboardCore
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ncurses adapter: owns the screen, blits frames, and reports keys, resizes and signals as events.
///
/// Every ncurses call happens on the main actor (the main thread, whose dispatch queue the async `main`
/// drains). Nothing blocks in ncurses: stdin readiness and signals arrive through DispatchSources on the
/// main queue, then `wget_wch` is drained in nodelay mode, so an idle program sleeps.
///
/// ```swift
/// let terminal = Terminal(colors: !noColorFlag)
/// terminal.start()
/// defer { terminal.stop() }                 // restores the terminal on every way out of the scope
/// terminal.draw(render(state, terminal.size))
/// for await event in terminal.events {
///     switch event {
///     case .key(.character("q")), .signal: return
///     case .key(let key): state = update(state, key)
///     case .resize: break
///     }
///     terminal.draw(render(state, terminal.size))   // writes nothing if the frame did not change
/// }
/// ```
@MainActor
public final class Terminal {
    public nonisolated let events: AsyncStream<TerminalEvent>
    private let continuation: AsyncStream<TerminalEvent>.Continuation
    private let colorsWanted: Bool
    private var sources: [any DispatchSourceProtocol] = []
    private var input: (any DispatchSourceRead)?
    private var pairs = ColorPairs(defaultColorsSupported: false)
    private var lastFrame: Frame?
    private var lastSize: Size?
    private var unicodeOutput = true
    /// Without an alternate screen (vt100), the last frame would stay behind the shell prompt.
    private var hasAlternateScreen = true
    private static var atexitRegistered = false
    nonisolated static let escapeDelayMilliseconds: Int32 = 5

    public private(set) var isActive = false
    /// Whether colours are in use: asked for, NO_COLOR unset or empty, and the terminal has them.
    public private(set) var colorsEnabled = false
    /// Borders and symbols for this terminal's locale (valid after `start`; a guess from the environment before).
    public private(set) var glyphs = Glyphs.detect()
    /// Frames written to the terminal, and frames skipped because nothing had changed (for benchmarks).
    public private(set) var framesWritten = 0
    public private(set) var framesSkipped = 0

    /// `colors: false` is `--no-color`; the `NO_COLOR` environment variable turns colour off as well.
    public init(colors: Bool = true) {
        colorsWanted = colors
        (events, continuation) = AsyncStream.makeStream(of: TerminalEvent.self, bufferingPolicy: .unbounded)
    }

    /// The screen size in cells (0x0 before `start`).
    public var size: Size {
        guard isActive else { return Size(width: 0, height: 0) }
        var rows: Int32 = 0, cols: Int32 = 0
        cn_getmaxyx(cn_stdscr(), &rows, &cols)
        return Size(width: Int(cols), height: Int(rows))
    }

    /// True when the `NO_COLOR` convention (no-color.org) asks for no colour: set and not empty.
    /// Why this terminal cannot host the dashboard, in words an operator can act on; nil when it
    /// can. Ask before `start()`: ncurses itself exits on an unknown TERM and draws garbage on one
    /// that cannot move the cursor.
    public nonisolated static func unsuitability(term: String? = ProcessInfo.processInfo.environment["TERM"]) -> String? {
        var alternate: Int32 = 0
        let name = term.map { $0.isEmpty ? "(empty)" : $0 } ?? "(unset)"
        switch Int(cn_check_terminal(&alternate)) {
        case Int(CN_TERMINAL_OK):
            return nil
        case Int(CN_TERMINAL_UNKNOWN):
            return "the terminal type TERM=\(name) is unknown here (no terminfo entry); "
                + "set TERM to one this machine knows, e.g. xterm-256color, or use `confdash conferences list`"
        default:
            return "the terminal TERM=\(name) cannot move the cursor, so a full-screen dashboard cannot be drawn; "
                + "set TERM to your terminal's type (e.g. xterm-256color), or use `confdash conferences list`"
        }
    }

    public nonisolated static func noColorRequested() -> Bool {
        guard let value = getenv("NO_COLOR") else { return false }
        return value.pointee != 0
    }

    public func start() {
        guard !isActive else { return }
        _ = setlocale(LC_ALL, "")
        unicodeOutput = TextWidth.currentCTypeIsUTF8()
        glyphs = unicodeOutput ? .unicode : .ascii
        // On Linux libdispatch takes these signals (sigaction + signalfd), so ncurses never sees SIGWINCH:
        // resizes are handled here (TIOCGWINSZ + resizeterm). Never SIG_IGN them first: an ignored signal
        // is discarded before it reaches the signalfd.
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] {
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .main)
            source.setEventHandler { MainActor.assumeIsolated { self.handleSignal(signal) } }
            source.resume()
            sources.append(source)
        }
        if !Self.atexitRegistered {
            Self.atexitRegistered = true
            _ = cn_register_atexit_endwin()   // covers exit() paths that skip stop()
        }
        var alternate: Int32 = 0
        _ = cn_check_terminal(&alternate)
        hasAlternateScreen = alternate != 0
        initscr()
        cbreak()
        noecho()
        nonl()                                // Enter arrives as 13, and output newlines are not translated
        keypad(cn_stdscr(), true)
        nodelay(cn_stdscr(), true)            // wget_wch never blocks: we are told when stdin is readable
        // After an Esc, ncurses waits this long for the rest of a key's sequence (an arrow is
        // Esc [ A), blocking the loop. Terminals and ssh send a sequence in one write, so its rest
        // is already there when the Esc is read: 5 ms, not the old 25 (the Esc key's whole time
        // to screen was 29 ms) nor ncurses' 1 s. An operator on a link that splits sequences
        // sets ESCDELAY (milliseconds), which ncurses reads and this then leaves alone.
        if ProcessInfo.processInfo.environment["ESCDELAY"] == nil { set_escdelay(Self.escapeDelayMilliseconds) }
        curs_set(0)
        // Widths are measured under a UTF-8 ctype even in an ASCII terminal (see TextWidth); ncurses has
        // already read the real locale in initscr, and an ASCII terminal is only ever sent ASCII.
        TextWidth.ensureUTF8CType()
        colorsEnabled = colorsWanted && !Self.noColorRequested() && has_colors()
        if colorsEnabled {
            start_color()
            pairs = ColorPairs(defaultColorsSupported: use_default_colors() != ERR)
        }
        // ncurses (6.4) flushes its output at every cursor move until the screen has been left
        // and come back to once (its "not yet initialised" state lasts until then): a frame
        // that sorted the table went out as ~200 writes of 10–30 bytes, each waking the
        // terminal (tmux, sshd), and the write of one frame took 9–36 ms on a busy machine.
        // Leaving and coming back before anything is drawn puts it in its running state, where
        // a frame is written whole at the end of `doupdate`.
        endwin()
        doupdate()
        let input = DispatchSource.makeReadSource(fileDescriptor: STDIN_FILENO, queue: .main)
        input.setEventHandler {
            let available = input.data           // bytes readable; 0 on EOF (terminal gone)
            MainActor.assumeIsolated { self.drainInput(available: available) }
        }
        input.resume()
        sources.append(input)
        self.input = input
        lastFrame = nil
        isActive = true
    }

    /// Restores the terminal and ends `events`. Safe to call more than once.
    public func stop() {
        guard isActive else { return }
        isActive = false
        for source in sources { source.cancel() }
        sources.removeAll()                   // breaks the handler -> self cycles
        input = nil
        if !hasAlternateScreen {
            erase()
            refresh()
        }
        endwin()
        continuation.finish()
    }

    /// Puts `text` on the operator's clipboard with OSC 52, which terminals honour over SSH.
    /// Inside tmux the sequence is also sent wrapped for passthrough, since tmux only forwards
    /// a bare OSC 52 when its set-clipboard option is on.
    public func setMouse(_ on: Bool) {
        guard isActive else { return }
        cn_set_mouse(on ? 1 : 0)
    }

    public func copyToClipboard(_ text: String) {
        guard isActive else { return }
        let payload = Data(text.utf8).base64EncodedString()
        var sequence = "\u{1B}]52;c;\(payload)\u{07}"
        if ProcessInfo.processInfo.environment["TMUX"] != nil {
            sequence += "\u{1B}Ptmux;\u{1B}\u{1B}]52;c;\(payload)\u{07}\u{1B}\\"
        }
        let bytes = Array(sequence.utf8)
        _ = bytes.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    /// Forgets what is on screen, so the next `draw` repaints every cell (C-l, after output from elsewhere).
    public func invalidate() {
        lastFrame = nil
        if isActive { clearok(cn_stdscr(), true) }
    }

    /// Puts `frame` on screen. When it equals the last frame drawn at the same size, nothing is
    /// written. Returns the frame it no longer holds (the last one, or this one when nothing was
    /// written), for the next frame to be drawn in.
    @discardableResult
    public func draw(_ frame: Frame) -> Frame? {
        guard isActive else { return nil }
        let current = size
        // Only the lines that changed since the last frame, when it was drawn at this size: a
        // key that moves the selection changes two lines of sixty, and putting every cell of the
        // screen into ncurses again was most of the frame's time (ncurses then compares them all
        // with what the terminal shows anyway, and writes only what differs).
        let previous = lastFrame.flatMap { $0.size == frame.size && lastSize == current ? $0 : nil }
        let rows = min(frame.size.height, current.height)
        let width = frame.size.width
        var changed: [Int] = []
        if let previous {
            for y in 0..<rows {
                let line = (y * width)..<((y + 1) * width)
                if frame.cells[line] != previous.cells[line] { changed.append(y) }
            }
            if changed.isEmpty && frame == previous {
                framesSkipped += 1
                return frame
            }
        } else {
            werase(cn_stdscr())  // never wclear: that repaints the whole screen every frame
            changed = Array(0..<rows)
        }
        let window = cn_stdscr()
        let cols = min(frame.size.width, current.width)
        var scalars: [UInt32] = []
        scalars.reserveCapacity(Int(CCHARW_MAX))
        for y in changed {
            if previous != nil {
                wmove(window, Int32(y), 0)
                wclrtoeol(window)
            }
            for x in 0..<cols {
                let cell = frame[x, y]
                if cell.isContinuation || (cell.text == " " && cell.style == .plain) { continue }
                let attributes = attributes(for: cell.style)
                let pair = colorsEnabled ? Int32(pairs.number(for: cell.style)) : 0
                if cell.width == 2 && x + 1 >= cols {
                    _ = cn_mvwadd_scalar(window, Int32(y), Int32(x), 0x20, attributes, pair)
                } else if !unicodeOutput && !cell.text.unicodeScalars.allSatisfy(\.isASCII) {
                    // An ASCII terminal gets one "?" per cell, so columns stay where widths put them.
                    for column in x..<(x + cell.width) {
                        _ = cn_mvwadd_scalar(window, Int32(y), Int32(column), 0x3F, attributes, pair)
                    }
                } else {
                    Self.cellScalars(cell.text, into: &scalars)
                    _ = scalars.withUnsafeBufferPointer { buffer in
                        cn_mvwadd_cell(window, Int32(y), Int32(x), buffer.baseAddress, Int32(buffer.count), attributes, pair)
                    }
                }
            }
        }
        wnoutrefresh(window)
        doupdate()
        let replaced = lastFrame
        lastFrame = frame
        lastSize = current
        framesWritten += 1
        return replaced
    }

    /// The scalars setcchar accepts for one cell: the first, then only zero-width ones (combining marks);
    /// a ZWJ sequence keeps its first emoji, which is what its two cells were measured by.
    private static func cellScalars(_ text: String, into scalars: inout [UInt32]) {
        scalars.removeAll(keepingCapacity: true)
        for scalar in text.unicodeScalars where scalars.count < Int(CCHARW_MAX) {
            if scalars.isEmpty || cn_wcwidth(scalar.value) == 0 { scalars.append(scalar.value) }
        }
    }

    private func attributes(for style: Style) -> attr_t {
        var attributes = cn_a_normal()
        if style.bold { attributes |= cn_a_bold() }
        if style.dim { attributes |= cn_a_dim() }
        if style.reverse { attributes |= cn_a_reverse() }
        if style.underline { attributes |= cn_a_underline() }
        return attributes
    }

    private func drainInput(available: UInt) {
        guard isActive else { return }
        var got = 0
        while true {
            let value = cn_wget_wch_packed(cn_stdscr())
            if value == -1 {
                // Readable with nothing to read is EOF: the terminal is gone. Without this the
                // level-triggered read source fires forever at 100% CPU.
                if got == 0 && available == 0 {
                    input?.cancel()
                    continuation.yield(.signal(.hangup))
                }
                return
            }
            got += 1
            if value <= -2 && Int32(truncatingIfNeeded: -(value + 2)) == KEY_RESIZE {
                continuation.yield(.resize(size))
            } else if value <= -2 && Int32(truncatingIfNeeded: -(value + 2)) == cn_key_mouse() {
                var x: Int32 = 0
                var y: Int32 = 0
                switch cn_read_mouse(&x, &y) {
                case 1: continuation.yield(.mouse(MouseEvent(.press, x: Int(x), y: Int(y))))
                case 2: continuation.yield(.mouse(MouseEvent(.wheelUp, x: Int(x), y: Int(y))))
                case 3: continuation.yield(.mouse(MouseEvent(.wheelDown, x: Int(x), y: Int(y))))
                default: break
                }
            } else if let key = KeyDecoder.decode(packed: value) {
                continuation.yield(.key(key))
            }
        }
    }

    private func handleSignal(_ signal: Int32) {
        guard isActive else { return }
        switch signal {
        case SIGWINCH:
            _ = cn_resize_from_tty()
            continuation.yield(.resize(size))
        case SIGINT: continuation.yield(.signal(.interrupt))
        case SIGTERM: continuation.yield(.signal(.terminate))
        default: continuation.yield(.signal(.hangup))
        }
    }
}
