import DashboardCore
import Foundation

/// Where one profile's columns and saved views are kept: `layouts/PROFILE.json` in confdash's
/// state directory (the demo's is `demo.json`; a run with no profile uses `default.json`). The
/// operator's config file is never rewritten. Writes go one at a time, each whole (written
/// beside the file, then renamed over it), so a crash leaves the last choice or the one before.
public actor LayoutFile {
    public nonisolated let url: URL

    public init(stateDirectory: URL, profile: String) {
        let safe = profile.unicodeScalars.map { scalar -> String in
            CharacterSet.alphanumerics.contains(scalar) || "-_.".unicodeScalars.contains(scalar)
                ? String(scalar) : String(format: "%%%02X", scalar.value)
        }.joined()
        url = stateDirectory.appendingPathComponent("layouts").appendingPathComponent((safe.hasPrefix(".") ? "%2E" + safe.dropFirst() : safe) + ".json")
    }

    /// What the file holds: nothing saved yet is an empty layout; a file that cannot be read is
    /// an empty layout and why, said on the status line (the file is left alone until the next
    /// choice replaces it).
    public nonisolated func load() -> (SavedLayout, problem: String?) {
        guard FileManager.default.fileExists(atPath: url.path) else { return (SavedLayout(), nil) }
        do {
            let data = try Data(contentsOf: url)
            return (try JSONDecoder().decode(SavedLayout.self, from: data), nil)
        } catch {
            return (SavedLayout(), "cannot read \(url.path) (\(Self.words(error))): the default columns show")
        }
    }

    public func save(_ layout: SavedLayout) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(layout).write(to: url, options: .atomic)
    }

    static func words(_ error: Error) -> String {
        if error is DecodingError { return "not a layout confdash wrote" }
        let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? error.localizedDescription
        return reason.contains("ermission") ? "permission denied" : reason
    }
}
