import Foundation

/// What `confdash info` prints: the resolved settings and where each came from, the files in
/// use and the versions, with every secret redacted.
public struct ProfileReport: Sendable, Encodable {
    public struct Paths: Sendable, Hashable, Encodable {
        public var configFile: String
        public var configFileExists: Bool
        public var stateDirectory: String
        public var ledger: String
        public var logFile: String

        public init(configFile: String, configFileExists: Bool, stateDirectory: String, ledger: String, logFile: String) {
            self.configFile = configFile
            self.configFileExists = configFileExists
            self.stateDirectory = stateDirectory
            self.ledger = ledger
            self.logFile = logFile
        }
    }

    public struct Versions: Sendable, Hashable, Encodable {
        public var confdash: String
        public var swift: String

        public init(confdash: String, swift: String = ProfileReport.swiftVersion) {
            self.confdash = confdash
            self.swift = swift
        }
    }

    public var settings: [ResolvedSettingRow]
    public var paths: Paths
    public var versions: Versions

    public init(settings: ResolvedSettings, paths: Paths, versions: Versions) {
        self.settings = settings.rows
        self.paths = paths
        self.versions = versions
    }

    /// The compiler confdash was built with.
    public static var swiftVersion: String {
        #if swift(>=6.4)
            "6.4 or later"
        #elseif swift(>=6.3)
            "6.3"
        #elseif swift(>=6.2)
            "6.2"
        #elseif swift(>=6.1)
            "6.1"
        #else
            "6.0"
        #endif
    }

    /// Three aligned sections for people.
    public var text: String {
        let pathRows: [(String, String)] = [
            ("config file", paths.configFile + (paths.configFileExists ? "" : " (none)")),
            ("state dir", paths.stateDirectory),
            ("ledger", paths.ledger),
            ("log file", paths.logFile),
        ]
        let versionRows: [(String, String)] = [("confdash", versions.confdash), ("swift", versions.swift)]
        let width =
            (settings.map(\.setting.count) + pathRows.map(\.0.count) + versionRows.map(\.0.count)).max() ?? 0
        func line(_ name: String, _ value: String) -> String {
            "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value
        }
        var lines = ["settings"]
        lines += settings.map { line($0.setting, "\($0.value)  (\($0.source))") }
        lines += ["", "paths"] + pathRows.map { line($0.0, $0.1) }
        lines += ["", "versions"] + versionRows.map { line($0.0, $0.1) }
        return lines.joined(separator: "\n")
    }
}
