import CompatAPI
import Foundation
import Profiles
import Logging
import Synchronization

/// A swift-log handler that appends lines to a file: while curses owns the screen nothing may
/// be written to stdout or stderr.
public struct FileLogHandler: LogHandler {
    /// One open file shared by every logger, written under a lock.
    final class Sink: Sendable {
        let handle: Mutex<FileHandle?>
        init(_ handle: FileHandle?) { self.handle = Mutex(handle) }
        func write(_ line: String) {
            handle.withLock { $0?.write(Data(line.utf8)) }
        }
    }

    let label: String
    let sink: Sink
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Opens (or creates, mode 0600) the log file; a file that cannot be opened silences logging
    /// rather than breaking the dashboard.
    public static func factory(file: URL, level: Logger.Level) -> @Sendable (String) -> any LogHandler {
        try? StatePaths.ensureDirectory(file.deletingLastPathComponent())
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try? FileHandle(forWritingTo: file)
        _ = try? handle?.seekToEnd()
        let sink = Sink(handle)
        return { label in FileLogHandler(label: label, sink: sink, logLevel: level) }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let stamp = Self.stamp(Date())
        sink.write("\(stamp) \(event.level) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)\n")
    }

    /// `2026-12-03T03:27:01Z`, as `ISO8601DateFormatter` wrote it, by arithmetic: the formatter
    /// went through ICU, whose calendar data it paged in stayed resident for the whole session
    /// (the only use of ICU a dashboard sorted by anything but name makes).
    static func stamp(_ date: Date) -> String {
        let (days, secondOfDay) = ServiceDate.utcDayAndSecond(date)
        let (year, month, day) = ServiceDate.civilDate(daysSinceEpoch: days)
        func pad(_ n: Int, _ width: Int = 2) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(secondOfDay / 3600)):\(pad(secondOfDay / 60 % 60)):"
            + "\(pad(secondOfDay % 60))Z"
    }
}
