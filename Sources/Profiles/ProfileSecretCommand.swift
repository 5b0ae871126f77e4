import Foundation
import Synchronization

/// Runs a profile's `token_command` (or `signing_key_command`): `/bin/sh -c COMMAND`, its
/// trimmed standard output is the secret.
public enum ProfileSecretCommand {
    public static let timeoutSeconds = 10

    /// Blocks for at most `timeout` seconds. `setting` names the command in errors, e.g.
    /// `token_command of profile prod`. The command's output never appears in an error: it may
    /// hold part of the secret. Its standard error is discarded for the same reason.
    public static func run(_ command: String, setting: String, timeout: Int = timeoutSeconds) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        // No prompt can wait on a terminal the dashboard is about to take over.
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw ProfileError.commandNotStarted(setting: setting, reason: error.localizedDescription)
        }
        // Read while it runs, so a chatty command cannot fill the pipe and stall.
        let output = CapturedOutput()
        let drained = DispatchSemaphore(value: 0)
        let reader = stdout.fileHandleForReading
        DispatchQueue.global().async {
            let data = readToEnd(reader.fileDescriptor)
            output.data.withLock { $0 = data }
            drained.signal()
        }
        let deadline = DispatchTime.now() + .seconds(timeout)
        guard finished.wait(timeout: deadline) == .success else {
            process.terminate()
            throw ProfileError.commandTimedOut(setting: setting, seconds: timeout)
        }
        guard process.terminationStatus == 0, process.terminationReason == .exit else {
            throw ProfileError.commandFailed(setting: setting, status: process.terminationStatus)
        }
        // The reader may not have been scheduled yet on a loaded host, so it gets what is left of
        // the time limit (not a fixed second, which once read a busy machine's token as empty);
        // a child left running in the background that holds the pipe open ends it there.
        guard drained.wait(timeout: max(deadline, .now() + .seconds(1))) == .success else {
            throw ProfileError.commandTimedOut(setting: setting, seconds: timeout)
        }
        let data = output.data.withLock { $0 }
        let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw ProfileError.commandEmpty(setting: setting) }
        return value
    }
}

/// Everything up to end of file. Not `FileHandle.readDataToEndOfFile()`: it traps on a read
/// interrupted by a signal (EINTR, seen when another thread's crash report stopped this one),
/// where a read here is simply tried again.
private func readToEnd(_ descriptor: Int32) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            data.append(contentsOf: buffer[0..<count])
        } else if count < 0 && errno == EINTR {
            continue
        } else {
            return data
        }
    }
}

/// The command's standard output, handed from the reading thread to the waiting one.
private final class CapturedOutput: Sendable {
    let data = Mutex(Data())
}
