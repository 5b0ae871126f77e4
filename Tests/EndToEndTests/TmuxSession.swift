import Foundation
import Synchronization
import Testing

/// One program running in a detached pane of a private tmux server, driven by keys and read back
/// with capture-pane. Every wait polls the screen against a deadline; nothing sleeps a fixed time.
///
/// Sendable so that a wait can read the screen on a thread of its own (see `captureOffThePool`);
/// its two counters are behind a lock and everything else is set once in `init`.
final class TmuxSession: @unchecked Sendable {
    /// A fresh socket name per session: tmux 3.3a cannot reuse a name right after kill-server.
    let socket = "confdash-e2e-\(UUID().uuidString.prefix(13))"
    /// Scratch space for this session: the tmux config and whatever the command writes.
    let directory: URL
    private let configPath: String
    private let killed = Mutex(false)
    private let commandCount = Mutex(0)

    /// Starts `command` (run by tmux through `sh -c`) in a `width`×`height` pane.
    init(command: String, width: Int = 100, height: Int = 30, environment: [String: String] = ["LANG": "C.UTF-8"]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configPath = directory.appendingPathComponent("tmux.conf").path
        // status off: the pane is the exact window size. remain-on-exit: the last screen and exit status
        // stay readable after the program ends. escape-time 0: Esc reaches the program at once.
        try """
        set -g status off
        set -g remain-on-exit on
        set -g default-terminal tmux-256color
        set -g escape-time 0
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        // The environment (API tokens, signing keys, store passwords among it) goes in a file only
        // this user can read, sourced by the pane's shell: `tmux -e NAME=VALUE` would put each
        // value in tmux's argv, where every process on the host can read it.
        let environmentPath = directory.appendingPathComponent("environment").path
        let exports = environment.sorted(by: { $0.key < $1.key }).map { name, value in
            "export \(name)='\(value.replacingOccurrences(of: "'", with: #"'\''"#))'\n"
        }.joined()
        guard FileManager.default.createFile(
            atPath: environmentPath, contents: Data(exports.utf8), attributes: [.posixPermissions: 0o600])
        else { throw TmuxError(arguments: ["(writing \(environmentPath))"], status: -1, output: "") }
        try tmux([
            "new-session", "-d", "-x", String(width), "-y", String(height),
            ". '\(environmentPath)' && \(command)",
        ])
    }

    deinit { kill() }

    /// Runs one tmux command against this session's server and returns what it printed.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        // Output goes to a file, not a pipe: the tmux server is forked from the first client and keeps its
        // stdout, so reading a pipe to EOF would wait for the server to exit.
        let number = commandCount.withLock { count in
            count += 1
            return count
        }
        let outputPath = directory.appendingPathComponent("tmux-output-\(number)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let status = try ChildProcess.run(["tmux", "-L", socket, "-f", configPath] + arguments, outputPath: outputPath)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TmuxError(arguments: arguments, status: status, output: text)
        }
        return text
    }

    /// The visible screen as text, one line per row.
    func capture() -> String {
        // -S -: after the program exits under remain-on-exit the pane scrolls a line; read history too.
        (try? tmux(["capture-pane", "-p", "-S", "-"])) ?? ""
    }

    /// The screen with colours and attributes as escape sequences and trailing cells kept (screenshots).
    func captureWithAttributes() -> String {
        (try? tmux(["capture-pane", "-p", "-e", "-N"])) ?? ""
    }

    /// How long a wait gives up after: a failure deadline, not a figure. Every wait returns the
    /// moment the screen shows what it expects, so a passing run is no slower for a long one,
    /// and the whole suite on two loaded cores once took over 5 s to draw a status line.
    static let failureDeadline: Duration = .seconds(20)

    /// Waits until `condition` holds for the screen; on timeout records an issue showing the last screen.
    @discardableResult
    func waitUntil(
        _ description: String, timeout: Duration = TmuxSession.failureDeadline, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: (String) -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        var screen = await captureOffThePool()
        while !condition(screen) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out after \(timeout) waiting for \(description); last screen:\n\(screen)",
                             sourceLocation: sourceLocation)
                return false
            }
            try? await Task.sleep(for: .milliseconds(20))
            screen = await captureOffThePool()
        }
        return true
    }

    /// `capture()` on a thread of its own. Spawning tmux and waiting for it blocks the thread, and
    /// Swift's cooperative pool has one thread per core: with the whole suite running on two
    /// cores, waits that blocked there starved every other test for seconds at a time, long
    /// enough to miss a five-second status message.
    func captureOffThePool() async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.capture()) }
        }
    }

    /// Waits until `text` is on screen.
    @discardableResult
    func waitFor(text: String, timeout: Duration = TmuxSession.failureDeadline, sourceLocation: SourceLocation = #_sourceLocation) async -> Bool {
        await waitUntil("\"\(text)\"", timeout: timeout, sourceLocation: sourceLocation) { $0.contains(text) }
    }

    /// Waits until `text` is gone from the screen.
    @discardableResult
    func waitForAbsence(of text: String, timeout: Duration = TmuxSession.failureDeadline, sourceLocation: SourceLocation = #_sourceLocation) async -> Bool {
        await waitUntil("\"\(text)\" to go", timeout: timeout, sourceLocation: sourceLocation) { !$0.contains(text) }
    }

    /// Presses keys by tmux name: "j", "Down", "PageDown", "Escape", "Enter", "Tab", "C-c".
    func send(keys: String...) throws {
        try tmux(["send-keys", "-t", "0"] + keys)
    }

    /// Types text literally, character by character.
    func type(literal text: String) throws {
        try tmux(["send-keys", "-t", "0", "-l", text])
    }

    /// A press and release of the mouse's first button at cell (`x`, `y`), 0-based, as an xterm
    /// reports it (X10 encoding: ESC [ M, then the button, column and row, each plus 32, 1-based).
    func click(x: Int, y: Int) throws {
        let cell = String(UnicodeScalar(UInt8(33 + x))) + String(UnicodeScalar(UInt8(33 + y)))
        try type(literal: "\u{1B}[M " + cell)
        try type(literal: "\u{1B}[M#" + cell)
    }

    /// Whether the program in the pane asked the terminal to report the mouse (tmux's
    /// `mouse_any_flag`, set by the mouse-tracking modes).
    func reportsMouse() -> Bool {
        ((try? tmux(["display-message", "-p", "-t", "0", "#{mouse_any_flag}"])) ?? "").hasPrefix("1")
    }

    /// Waits until the pane's program has asked for the mouse, or given it back (`on` false).
    func waitForMouse(_ on: Bool, timeout: Duration = TmuxSession.failureDeadline) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while reportsMouse() != on {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// Resizes the window (and so the pane) to `width`×`height`.
    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "0", "-x", String(width), "-y", String(height)])
    }

    /// The pid of the shell tmux started for the command.
    func panePID() throws -> pid_t {
        let text = try tmux(["display-message", "-p", "-t", "0", "#{pane_pid}"])
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TmuxError(arguments: ["pane_pid"], status: 0, output: text)
        }
        return pid
    }

    /// The program the pane's shell is running: its one child, found through /proc.
    func programPID() throws -> pid_t {
        let shell = try panePID()
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        guard let child = children.split(separator: " ").first.flatMap({ pid_t($0) }) else {
            throw TmuxError(arguments: ["children of \(shell)"], status: 0, output: children)
        }
        return child
    }

    /// Sends `signal` to the program (not to tmux, not to the shell).
    func signal(_ signal: Int32) throws {
        let pid = try programPID()
        guard Foundation.kill(pid, signal) == 0 else {
            throw TmuxError(arguments: ["kill -\(signal) \(pid)"], status: errno, output: "")
        }
    }

    /// Waits until the file at `path` exists and is not empty (something the command writes); returns its text.
    func waitForFile(_ path: String, timeout: Duration = .seconds(5), sourceLocation: SourceLocation = #_sourceLocation) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty { return text }
            try? await Task.sleep(for: .milliseconds(20))
        }
        // Once more: on a loaded machine the last sleep can overrun the deadline by seconds.
        if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty { return text }
        Issue.record("timed out after \(timeout) waiting for \(path); last screen:\n\(capture())", sourceLocation: sourceLocation)
        return nil
    }

    /// Ends the tmux server (and the program with it) and removes the scratch directory.
    func kill() {
        let first = killed.withLock { killed -> Bool in
            guard !killed else { return false }
            killed = true
            return true
        }
        guard first else { return }
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A tmux command that failed, with what it printed.
struct TmuxError: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var output: String
    var description: String { "tmux \(arguments.joined(separator: " ")) failed (\(status)): \(output)" }
}
