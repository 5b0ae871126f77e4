import Foundation

/// Why a profile could not be read or resolved, in words an operator can act on.
public enum ProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case unknownKey(path: String, key: String)
    case wrongType(path: String, key: String, expected: String)
    case conflicting(path: String, profile: String, keys: [String])
    case tooOpen(path: String, mode: Int)
    case noConfigFile(path: String, profile: String)
    case unknownProfile(path: String, profile: String, known: [String])
    case invalidSetting(name: String, reason: String)
    case commandFailed(setting: String, status: Int32)
    case commandTimedOut(setting: String, seconds: Int)
    case commandNotStarted(setting: String, reason: String)
    case commandEmpty(setting: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read the config file \(path): \(reason)"
        case .malformed(let path, let reason):
            return "\(path): not valid TOML: \(reason)"
        case .unknownKey(let path, let key):
            return "\(path): unknown key \"\(key)\" (check its spelling; see confdash info)"
        case .wrongType(let path, let key, let expected):
            return "\(path): \"\(key)\" must be \(expected)"
        case .conflicting(let path, let profile, let keys):
            return "\(path): profile \(profile) sets \(keys.joined(separator: " and ")); keep only one"
        case .tooOpen(let path, let mode):
            let octal = String(mode, radix: 8)
            return "\(path) holds a secret and is readable by others (mode 0\(octal)); "
                + "fix it with: chmod 600 \(path)"
        case .noConfigFile(let path, let profile):
            return "profile \(profile) was asked for but there is no config file at \(path)"
        case .unknownProfile(let path, let profile, let known):
            let list = known.isEmpty ? "it has no profiles" : "it has: \(known.joined(separator: ", "))"
            return "no profile \(profile) in \(path) (\(list))"
        case .invalidSetting(let name, let reason):
            return "\(name): \(reason)"
        case .commandFailed(let setting, let status):
            // Never the command's output: it may hold part of the secret.
            return "\(setting) failed with exit status \(status) (run it yourself to see why)"
        case .commandTimedOut(let setting, let seconds):
            return "\(setting) did not finish within \(seconds) seconds"
        case .commandNotStarted(let setting, let reason):
            return "\(setting) could not be started: \(reason)"
        case .commandEmpty(let setting):
            return "\(setting) printed nothing"
        }
    }
}
