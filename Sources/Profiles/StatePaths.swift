import Foundation

/// Where confdash keeps its files: `$XDG_STATE_HOME/confdash` (or `~/.local/state/confdash`)
/// for the log and the ledger.
public enum StatePaths {
    public static func stateDirectory(_ env: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = env["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("confdash")
        }
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/state/confdash")
    }

    public static func logFile(_ env: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        stateDirectory(env).appendingPathComponent("confdash.log")
    }

    /// Creates the directory readable by its owner only: logs name conferences and calls.
    public static func ensureDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
