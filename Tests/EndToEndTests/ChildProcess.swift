import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a short command to completion with posix_spawn and waitpid.
///
/// Not Foundation's `Process`: on Linux its `waitUntilExit` never returned here when several tests ran tmux
/// at once (the clients stayed zombies, unreaped), hanging the whole test run.
enum ChildProcess {
    /// Runs `arguments` (looked up in PATH) with stdin from /dev/null and stdout+stderr into `outputPath`;
    /// returns the exit status.
    /// `environment` adds to (or replaces) the test's own variables.
    static func run(_ arguments: [String], outputPath: String, environment: [String: String] = [:]) throws -> Int32 {
        try run(arguments, stdin: "/dev/null", stdout: outputPath, stderr: nil, environment: environment)
    }

    /// The same with stdout and stderr in files of their own (`stderr` nil: into stdout's) and
    /// stdin read from `stdin`, for a command whose streams mean different things.
    static func run(
        _ arguments: [String], stdin: String = "/dev/null", stdout: String, stderr: String?,
        environment: [String: String] = [:]
    ) throws -> Int32 {
        let pid = try spawn(arguments, stdin: stdin, stdout: stdout, stderr: stderr, environment: environment)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw ChildProcessError(arguments: arguments, code: errno) }
        }
        return exitStatus(status)
    }

    /// Starts `arguments` the same way and returns at once with its pid, for a long-running
    /// child the test signals and then waits for (`waitForExit`).
    static func spawn(
        _ arguments: [String], stdin: String = "/dev/null", stdout: String, stderr: String?,
        environment: [String: String] = [:]
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let stderr {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The test runner's threads block most signals (SIGCHLD, SIGTERM, SIGHUP among them), and a
        // spawned process inherits that mask. A tmux server started with it never notices its
        // panes exit and ignores kill-server, so every session leaked: start children clean.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw ChildProcessError(arguments: arguments, code: spawned) }
        return pid
    }

    /// Waits for a child from `spawn` to exit and returns its status; nil when it is still
    /// running after `timeout` (it is left running: the caller decides what to do).
    static func waitForExit(_ pid: pid_t, timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return exitStatus(status) }
            if reaped == -1 && errno != EINTR { return nil }
            if clock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The exit status, or 128 + the signal that ended it, as a shell reports it.
    /// (WIFEXITED / WEXITSTATUS are macros Swift cannot import.)
    static func exitStatus(_ status: Int32) -> Int32 {
        (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}

/// A command that could not be started or waited for, with the errno.
struct ChildProcessError: Error, CustomStringConvertible {
    var arguments: [String]
    var code: Int32
    var description: String { "\(arguments.joined(separator: " ")): \(String(cString: strerror(code)))" }
}
