import DashboardCore
import Foundation

/// The file `:export` writes: I/O, so it lives here with the loop's other effects, not in the pure
/// core that builds the text.
extension TableExport {
    /// Writes `text` to `path` (a leading `~/` is the home directory), whole or not at all: a
    /// file already there is left alone unless `overwrite`.
    public static func write(_ text: String, to path: String, overwrite: Bool, home: String? = ProcessInfo.processInfo.environment["HOME"]) -> Outcome {
        var full = path
        if full.hasPrefix("~/"), let home { full = home + full.dropFirst(1) }
        let url = URL(fileURLWithPath: full)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .failed("there is no directory \(directory)")
        }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return .failed("\(url.path) is a directory") }
            if !overwrite { return .exists }
        }
        do {
            // Atomic: written beside it, then renamed over it, so a failure leaves what was there.
            try Data(text.utf8).write(to: url, options: .atomic)
            return .written(url.path)
        } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? error.localizedDescription
            return .failed("cannot write \(url.path): \(Self.plain(reason))")
        }
    }

    /// An error's words without Foundation's decoration.
    private static func plain(_ reason: String) -> String {
        if reason.contains("Permission denied") || reason.contains("permission") { return "permission denied" }
        if reason.contains("Read-only file system") { return "read-only file system" }
        if reason.contains("No space left") { return "no space left on the device" }
        return reason
    }
}
