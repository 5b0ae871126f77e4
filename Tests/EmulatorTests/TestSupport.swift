import AsyncHTTPClient
import CompatAPI
import Emulator
import Foundation
import NIOCore
import Testing

/// A raw HTTP answer, kept as bytes on the wire so tests see exactly what a client would.
struct RawResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The body as a JSON object; an empty object when it is not one.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    var array: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [[String: Any]] ?? []
    }
}

/// One emulator on a loopback port and the raw requests tests send it, built by hand the way
/// each real SDK builds them.
struct Emulated: Sendable {
    let server: EmulatorServer

    var account: String { server.world.accountSid }
    var world: EmulatorWorld { server.world }
    var origin: String { "http://127.0.0.1:\(server.port)" }
    /// `/api/laml/2010-04-01/Accounts/{acc}`, as the docs and signalwire-sdk write it.
    var laml: String { "/api/laml/2010-04-01/Accounts/\(account)" }
    /// `/2010-04-01/Accounts/{acc}`, as twilio-python writes it (with `.json` after).
    var twilio: String { "/2010-04-01/Accounts/\(account)" }

    static let goodAuth = basicAuth(EmulatorConfiguration.demoProjectID, EmulatorConfiguration.demoAPIToken)

    static func basicAuth(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// Sends a request to the emulator; `path` may carry a query exactly as it should go out.
    func send(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil,
        authorization: String? = Emulated.goodAuth
    ) async throws -> RawResponse {
        try await Self.send(method, origin + path, headers: headers, body: body, authorization: authorization)
    }

    static func send(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: String? = nil,
        authorization: String? = nil
    ) async throws -> RawResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return RawResponse(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: bytes))
    }

    /// A form POST as twilio-python sends it.
    func postForm(_ path: String, _ fields: [(String, String)]) async throws -> RawResponse {
        try await send(
            "POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: FormEncoding.encode(fields))
    }

    /// A JSON POST as signalwire-sdk sends it.
    func postJSON(_ path: String, _ json: String) async throws -> RawResponse {
        try await send("POST", path, headers: [("Content-Type", "application/json")], body: json)
    }

    /// A live conference of the seeded world with at least `participants` calls in progress.
    func liveConference(participants: Int = 2) async -> Conference {
        await world.createConference(friendlyName: "Test bridge", participants: participants, status: .inProgress)
    }
}

/// Runs `body` against a fresh emulator and always stops it afterwards.
func withEmulator(
    _ configuration: EmulatorConfiguration = EmulatorConfiguration(),
    clock: any Clock<Duration> = ContinuousClock(),
    _ body: (Emulated) async throws -> Void
) async throws {
    let server = try await EmulatorServer.start(configuration, clock: clock)
    do {
        try await body(Emulated(server: server))
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// Polls until `condition` holds, in real time, for work that finishes on another task (a
/// stream's connect after the test clock moved, a callback on its way).
/// The timeout is a failure deadline (it returns the moment the condition holds), long enough
/// for a suite on two loaded cores.
func eventually(
    timeout: Duration = .seconds(30), _ condition: () async -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// Checks a body against a schema of the spec with `validate_openapi.py`. A missing python3,
/// jsonschema or PyYAML fails the test: a validation that silently did not run proves nothing.
func expectMatchesSpec(_ body: String, schema: String, sourceLocation: SourceLocation = #_sourceLocation) async {
    let here = URL(fileURLWithPath: #filePath)
    let script = here.deletingLastPathComponent().appendingPathComponent("validate_openapi.py").path
    let packageRoot = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let spec = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/api/openapi.yaml").path
    guard FileManager.default.fileExists(atPath: spec) else {
        Issue.record("the API spec is missing at \(spec)", sourceLocation: sourceLocation)
        return
    }
    let (status, errors) = await runPython(script: script, arguments: [spec, schema], input: body)
    switch status {
    case 0: return
    case 1:
        Issue.record(
            "response does not match \(schema): \(errors)\nbody: \(body.prefix(2000))", sourceLocation: sourceLocation)
    default:
        Issue.record(
            "could not validate against the spec (python3 with jsonschema and PyYAML is required): status \(status) \(errors)",
            sourceLocation: sourceLocation)
    }
}

/// Runs python off the cooperative pool, which must never block on a child process.
private func runPython(script: String, arguments: [String], input: String) async -> (Int32, String) {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script] + arguments
            let stdin = Pipe()
            let stderr = Pipe()
            process.standardInput = stdin
            process.standardError = stderr
            process.standardOutput = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                continuation.resume(returning: (127, "cannot run python3: \(error)"))
                return
            }
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
            let errors = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            continuation.resume(returning: (process.terminationStatus, String(decoding: errors, as: UTF8.self)))
        }
    }
}
