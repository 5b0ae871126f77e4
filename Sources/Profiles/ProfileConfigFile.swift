import Foundation
import TOMLKit

/// The operator's config file, `$XDG_CONFIG_HOME/confdash/config.toml`: named profiles and
/// which one to use when none is asked for.
public struct ProfileConfigFile: Sendable, Hashable {
    /// Where it was read from, for messages and `confdash info`.
    public var path: String
    public var defaultProfile: String?
    public var profiles: [String: Profile]

    public init(path: String, defaultProfile: String? = nil, profiles: [String: Profile] = [:]) {
        self.path = path
        self.defaultProfile = defaultProfile
        self.profiles = profiles
    }

    /// `$XDG_CONFIG_HOME/confdash/config.toml`, or `~/.config/confdash/config.toml`.
    public static func defaultPath(_ env: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = env["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("confdash/config.toml")
        }
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".config/confdash/config.toml")
    }

    /// Reads the file at `url`; nil when there is none, so confdash works from the environment
    /// alone. Like ssh, refuses a file that holds a secret and that group or others can read.
    public static func load(_ url: URL) throws -> ProfileConfigFile? {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        let mode: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ProfileError.unreadable(path: path, reason: error.localizedDescription)
        }
        let file = try parse(text, path: path)
        try file.checkPermissions(mode: mode)
        return file
    }

    /// Refuses a mode that lets group or others read a file holding a secret.
    public func checkPermissions(mode: Int) throws {
        guard profiles.values.contains(where: \.holdsInlineSecret), mode & 0o077 != 0 else { return }
        throw ProfileError.tooOpen(path: path, mode: mode & 0o777)
    }

    /// Parses the text of a config file; every key must be one confdash knows, so a typo is an
    /// error rather than a setting silently ignored.
    public static func parse(_ text: String, path: String) throws -> ProfileConfigFile {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ProfileError.malformed(
                path: path, reason: "line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw ProfileError.malformed(path: path, reason: "\(error)")
        }
        var file = ProfileConfigFile(path: path)
        let reader = TableReader(table: root, prefix: "", path: path)
        for key in root.keys {
            switch key {
            case "default_profile":
                file.defaultProfile = try reader.string(key)
            case "profiles":
                let profiles = try reader.subtable(key)
                for name in profiles.table.keys {
                    let section = try profiles.subtable(name)
                    file.profiles[name] = try parseProfile(name: name, section)
                }
            default:
                throw ProfileError.unknownKey(path: path, key: key)
            }
        }
        return file
    }

    private static func parseProfile(name: String, _ reader: TableReader) throws -> Profile {
        var profile = Profile(name: name)
        var tokenKeys: [String] = []
        var signingKeys: [String] = []
        var spaceKeys: [String] = []
        var storePasswordKeys: [String] = []
        for key in reader.table.keys {
            switch key {
            case "space":
                profile.space = try reader.string(key)
                spaceKeys.append(key)
            case "base_url":
                profile.space = try reader.string(key)
                spaceKeys.append(key)
            case "project_id":
                profile.projectID = try reader.string(key)
            case "token":
                profile.token = .inline(try reader.string(key))
                tokenKeys.append(key)
            case "token_env":
                profile.token = .environment(try reader.string(key))
                tokenKeys.append(key)
            case "token_command":
                profile.token = .command(try reader.string(key))
                tokenKeys.append(key)
            case "signing_key":
                profile.signingKey = .inline(try reader.string(key))
                signingKeys.append(key)
            case "signing_key_env":
                profile.signingKey = .environment(try reader.string(key))
                signingKeys.append(key)
            case "signing_key_command":
                profile.signingKey = .command(try reader.string(key))
                signingKeys.append(key)
            case "refresh":
                profile.refresh = try reader.number(key)
            case "read_only":
                profile.readOnly = try reader.bool(key)
            case "max_concurrency":
                let value = try reader.number(key)
                guard value == value.rounded(), ProfileResolution.maxConcurrencyRange.contains(Int(value)) else {
                    throw ProfileError.invalidSetting(
                        name: reader.prefix + key,
                        reason: "must be a whole number from \(ProfileResolution.maxConcurrencyRange.lowerBound) to \(ProfileResolution.maxConcurrencyRange.upperBound)")
                }
                profile.maxConcurrency = Int(value)
            case "callback_listen":
                profile.callbackListen = try reader.string(key)
            case "callback_url":
                profile.callbackURL = try reader.string(key)
            case "store":
                profile.store = try reader.string(key)
            case "store_password_env":
                profile.storePassword = .environment(try reader.string(key))
                storePasswordKeys.append(key)
            case "store_password_command":
                profile.storePassword = .command(try reader.string(key))
                storePasswordKeys.append(key)
            case "store_password":
                // A password in the file in clear is what store_password_env and _command avoid.
                throw ProfileError.invalidSetting(
                    name: reader.prefix + key,
                    reason: "a store password is never kept in the file: use store_password_env or store_password_command")
            case "default_view":
                profile.defaultView = try reader.string(key)
            case "keys":
                let keys = try reader.subtable(key)
                for action in keys.table.keys {
                    profile.keys[action] = try keys.string(action)
                }
            default:
                throw ProfileError.unknownKey(path: reader.path, key: reader.prefix + key)
            }
        }
        for group in [spaceKeys, tokenKeys, signingKeys, storePasswordKeys] where group.count > 1 {
            throw ProfileError.conflicting(path: reader.path, profile: name, keys: group.sorted())
        }
        return profile
    }
}

/// Typed reads from one TOML table, each failure naming the full dotted key.
private struct TableReader {
    let table: TOMLTable
    /// `profiles.prod.` for keys inside that profile, so messages name the exact key.
    let prefix: String
    let path: String

    func string(_ key: String) throws -> String {
        guard let value = table[key]?.string else { throw wrong(key, "a string") }
        return value
    }

    func bool(_ key: String) throws -> Bool {
        guard let value = table[key]?.bool else { throw wrong(key, "true or false") }
        return value
    }

    /// TOML tells `2` from `2.0`; an operator should not have to.
    func number(_ key: String) throws -> Double {
        if let value = table[key]?.double { return value }
        if let value = table[key]?.int { return Double(value) }
        throw wrong(key, "a number")
    }

    func subtable(_ key: String) throws -> TableReader {
        guard let value = table[key]?.table else { throw wrong(key, "a table") }
        return TableReader(table: value, prefix: prefix + key + ".", path: path)
    }

    private func wrong(_ key: String, _ expected: String) -> ProfileError {
        .wrongType(path: path, key: prefix + key, expected: expected)
    }
}
