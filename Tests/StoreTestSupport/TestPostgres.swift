import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL server for the tests: initdb and pg_ctl in a temporary directory, on a free
/// loopback port, started once per test process and removed when it exits. The server refuses
/// to run as root, so under root (CI) it runs as the `postgres` account Debian's package made.
/// Each test takes a database of its own (`freshDatabase()`), so tests never see each other's rows.
///
/// Password authentication (scram-sha-256) is on, so the password path the product takes
/// (`store_password_env`, `store_password_command`) is exercised for real.
public actor TestPostgres {
    public static let shared = TestPostgres()

    public static let user = "confdash"
    /// A throwaway password for a throwaway server on loopback; it still never goes in argv.
    public static let password = "test-\(UUID().uuidString.prefix(8))"

    public struct Server: Sendable {
        public var directory: URL
        public var port: Int
        public var dataDirectory: URL { directory.appendingPathComponent("data") }
    }

    private var server: Server?
    private var starting: Task<Server, any Error>?

    /// A server of its own, for a test that stops and starts it (the others share `shared`).
    public init() {}

    /// Why the tests cannot have a server here, or nil when they can.
    public static var unavailable: String? {
        binary("initdb") == nil ? "PostgreSQL's initdb and pg_ctl are not installed (.ci/run installs them)" : nil
    }

    /// The running server, started on first use.
    public func start() async throws -> Server {
        if let server { return server }
        if let starting { return try await starting.value }
        let task = Task { try await Self.offThePool { try Self.launch() } }
        starting = task
        let server = try await task.value
        self.server = server
        return server
    }

    /// A new, empty database on the server: `postgres://confdash@127.0.0.1:PORT/NAME`.
    public func freshDatabase() async throws -> (url: String, name: String) {
        let server = try await start()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await Self.offThePool { try Self.psql(server, "CREATE DATABASE \(name)") }
        return ("postgres://\(Self.user)@127.0.0.1:\(server.port)/\(name)?sslmode=disable", name)
    }

    /// Stops the server (a fault test), keeping its files.
    public func stop() async throws {
        guard let server else { return }
        try await Self.offThePool {
            try Self.run(Self.binary("pg_ctl")!, ["-D", server.dataDirectory.path, "-m", "fast", "-w", "stop"], server)
        }
    }

    /// Stops the server and every backend with SIGSTOP: connections stay open and nothing is
    /// answered, as when a server hangs or the network drops packets. `resume()` undoes it.
    public func pause() async throws { try signalEveryProcess(SIGSTOP) }

    public func resume() async throws { try signalEveryProcess(SIGCONT) }

    private func signalEveryProcess(_ signal: Int32) throws {
        guard let server else { throw TestPostgresError(message: "the server is not running") }
        let pidFile = try String(contentsOf: server.dataDirectory.appendingPathComponent("postmaster.pid"), encoding: .utf8)
        guard let postmaster = pidFile.split(separator: "\n").first.flatMap({ Int32($0) }) else {
            throw TestPostgresError(message: "no pid in postmaster.pid")
        }
        // The backends are the postmaster's children (field 4 of /proc/PID/stat).
        let children = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == postmaster ? pid : nil
        } ?? []
        for pid in [postmaster] + children { kill(pid, signal) }
    }

    /// Starts it again on the same port after `stop()`.
    public func restart() async throws {
        guard let server else { return }
        try await Self.offThePool { try Self.pgStart(server) }
    }

    // MARK: launching

    /// initdb, pg_ctl and psql block for seconds while they wait for their child: on a thread of
    /// their own, never on one of the two threads every other test's tasks share.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    static func binary(_ name: String) -> String? {
        var candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map {
            "\($0)/\(name)"
        }
        if let versions = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            for version in versions.sorted(by: >) { candidates.append("/usr/lib/postgresql/\(version)/bin/\(name)") }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var runsAsRoot: Bool { geteuid() == 0 }

    static func launch() throws -> Server {
        guard let initdb = binary("initdb") else {
            throw TestPostgresError(message: unavailable ?? "no initdb")
        }
        let directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("confdash-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var server = Server(directory: directory, port: try freePort())
        registerCleanup(directory.path)
        let passwordFile = directory.appendingPathComponent("pwfile")
        try Data(password.utf8).write(to: passwordFile)
        if runsAsRoot {
            try run("/bin/chown", ["-R", "postgres:postgres", directory.path], nil, asPostgres: false)
        }
        try run(
            initdb,
            [
                "-D", server.dataDirectory.path, "-U", user, "--pwfile", passwordFile.path, "--auth",
                "scram-sha-256", "-E", "UTF8", "--locale", "C", "--no-sync",
            ], server)
        try? FileManager.default.removeItem(at: passwordFile)
        // The port was free when picked, seconds ago, before initdb: a test's connection or
        // listener may have been given it since (seen once in a full run: the server could not
        // bind and pg_ctl stopped waiting). Nothing knows the port yet, so another will do.
        var attempt = 1
        while true {
            do {
                try pgStart(server)
                return server
            } catch where attempt < 3 {
                attempt += 1
                server.port = try freePort()
            }
        }
    }

    static func pgStart(_ server: Server) throws {
        // Loopback only, the socket in the test's own directory, and durable commits as in production.
        let options = "-p \(server.port) -k \(server.directory.path) -c listen_addresses=127.0.0.1 -c max_connections=200"
        try run(
            binary("pg_ctl")!,
            [
                "-D", server.dataDirectory.path, "-o", options, "-l", server.directory.appendingPathComponent("log").path,
                "-w", "-t", "60", "start",
            ], server)
    }

    /// Runs psql against the server with the password in the environment, never in argv.
    static func psql(_ server: Server, _ sql: String) throws {
        guard let psql = binary("psql") else { throw TestPostgresError(message: "psql is not installed") }
        try run(
            psql,
            ["-h", "127.0.0.1", "-p", "\(server.port)", "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
            server, asPostgres: false, environment: ["PGPASSWORD": password])
    }

    static func run(
        _ executable: String, _ arguments: [String], _ server: Server?, asPostgres: Bool = true,
        environment: [String: String] = [:]
    ) throws {
        var argv = [executable] + arguments
        if asPostgres && runsAsRoot { argv = ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        // A file, not a pipe: the server pg_ctl starts would hold a pipe open for its whole life.
        // posix_spawn and waitpid, not Foundation's Process: its reaping of a child whose own
        // child lives on (pg_ctl leaves the server running) was seen never to finish here.
        let outputFile = NSTemporaryDirectory() + "confdash-pg-output-\(UUID().uuidString)"
        defer { unlink(outputFile) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(&actions)
        startInRootDirectory(&actions)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard spawned == 0 else {
            throw TestPostgresError(message: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let data = (try? Data(contentsOf: URL(fileURLWithPath: outputFile))) ?? Data()
        guard exited == 0 else {
            throw TestPostgresError(
                message: "\((executable as NSString).lastPathComponent) failed (\(exited)): "
                    + String(decoding: data, as: UTF8.self))
        }
    }

    /// The child starts in "/": run as the postgres user, pg_ctl and initdb first change to the
    /// directory they were started in, and a checkout under a private (0700) directory, as CI's
    /// clean clone is, refuses them ("could not change directory ... Permission denied").
    static func startInRootDirectory(_ actions: inout posix_spawn_file_actions_t) {
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        // glibc 2.29 has it; Swift's Glibc module does not import it, so it is looked up.
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return }
        _ = unsafeBitCast(symbol, to: AddChdir.self)(&actions, "/")
    }

    /// The child keeps only stdin, stdout and stderr. pg_ctl leaves the server running with
    /// whatever it inherited: a pipe another test opened for a child of its own (the emulator
    /// tests' python validator reading to the end of its stdin) would stay open for the server's
    /// whole life, and that child would wait for an end of file that never comes.
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        // glibc 2.34 has it; Swift's Glibc module does not import it, so it is looked up.
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }

    /// A port nothing listens on right now: bind to 0, read it, close.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestPostgresError(message: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw TestPostgresError(message: "bind failed") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct TestPostgresError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

// For the atexit handler, which can capture nothing: every server this process started.
nonisolated(unsafe) private var cleanupDirectories: [String] = []
private let cleanupLock = NSLock()

private func registerCleanup(_ directory: String) {
    cleanupLock.withLock {
        if cleanupDirectories.isEmpty {
            atexit {
                let directories = cleanupLock.withLock { cleanupDirectories }
                guard let pgCtl = TestPostgres.binary("pg_ctl") else { return }
                for path in directories {
                    try? TestPostgres.run(pgCtl, ["-D", path + "/data", "-m", "immediate", "-w", "stop"], nil)
                    try? FileManager.default.removeItem(atPath: path)
                }
            }
        }
        cleanupDirectories.append(directory)
    }
}
