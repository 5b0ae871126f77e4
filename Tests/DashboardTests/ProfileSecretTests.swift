import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Foundation
import Testing

/// Secrets: fetched by command, and never printed anywhere an operator or a log could see them.
@Suite struct ProfileSecretTests {
    @Test func tokenCommandOutputTrimmedIsTheToken() throws {
        let token = try ProfileSecretCommand.run("printf '  tok-from-cmd\\n\\n'", setting: "token_command of profile p")
        #expect(token == "tok-from-cmd")
    }

    @Test func failingCommandNamesItsStatusNeverItsOutput() throws {
        let error = try #require(throws: ProfileError.self) {
            try ProfileSecretCommand.run(
                "echo half-a-secret; echo more-secret >&2; exit 3", setting: "token_command of profile p")
        }
        #expect(error == .commandFailed(setting: "token_command of profile p", status: 3))
        #expect(error.description.contains("exit status 3"))
        #expect(!error.description.contains("half-a-secret"))
        #expect(!error.description.contains("more-secret"))
    }

    @Test func slowCommandTimesOut() throws {
        let started = ContinuousClock.now
        let error = try #require(throws: ProfileError.self) {
            try ProfileSecretCommand.run("exec sleep 30", setting: "token_command of profile p", timeout: 1)
        }
        #expect(error == .commandTimedOut(setting: "token_command of profile p", seconds: 1))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func silentCommandIsAnError() throws {
        #expect(throws: ProfileError.commandEmpty(setting: "s")) { try ProfileSecretCommand.run("true", setting: "s") }
    }

    // MARK: redaction

    static let token = "tok-SECRET-4b1d"
    static let signingKey = "PSK-SECRET-9f2e"

    /// Settings holding both secrets, each from a different kind of source.
    static func settingsWithSecrets() throws -> [ResolvedSettings] {
        let inline = ProfileConfigFile(
            path: "/c.toml", defaultProfile: "p",
            profiles: [
                "p": Profile(
                    name: "p", space: "example", projectID: "pid", token: .inline(token), signingKey: .inline(signingKey))
            ])
        let command = ProfileConfigFile(
            path: "/c.toml", defaultProfile: "p",
            profiles: [
                "p": Profile(
                    name: "p", space: "example", projectID: "pid", token: .command("get-token"),
                    signingKey: .environment("P_KEY"))
            ])
        return [
            try ProfileResolution.resolve(flags: ProfileFlags(), environment: [:], config: inline, configPath: "/c.toml"),
            try ProfileResolution.resolve(
                flags: ProfileFlags(), environment: ["P_KEY": signingKey], config: command, configPath: "/c.toml",
                runCommand: { _, _ in token }),
            try ProfileResolution.resolve(
                flags: ProfileFlags(),
                environment: [
                    "SIGNALWIRE_SPACE": "example", "SIGNALWIRE_PROJECT_ID": "pid", "SIGNALWIRE_API_TOKEN": token,
                    "SIGNALWIRE_SIGNING_KEY": signingKey,
                ],
                config: nil, configPath: "/c.toml"),
        ]
    }

    static func report(_ settings: ResolvedSettings) -> ProfileReport {
        ProfileReport(
            settings: settings,
            paths: .init(
                configFile: settings.configPath, configFileExists: settings.configFound, stateDirectory: "/state",
                ledger: "/state/ledger.sqlite", logFile: "/state/confdash.log"),
            versions: .init(confdash: "confdash 0.1.0"))
    }

    @Test func secretsNeverAppearInAnyDescription() throws {
        for settings in try Self.settingsWithSecrets() {
            // The secrets are really there...
            #expect(try settings.credentials().apiToken == Self.token)
            #expect(settings.signingKey.value.value == Self.signingKey)
            // ...and never printed.
            var dumped = ""
            dump(settings, to: &dumped)
            var dumpedConfig = ""
            dump(settings.token, to: &dumpedConfig)
            let encoder = JSONEncoder()
            let json = String(decoding: try encoder.encode(Self.report(settings)), as: UTF8.self)
            let texts = [
                settings.description, settings.debugDescription, String(describing: settings),
                String(reflecting: settings), "\(settings)", dumped, dumpedConfig, Self.report(settings).text, json,
                String(describing: settings.token), String(reflecting: settings.signingKey),
            ]
            for text in texts {
                #expect(!text.contains(Self.token), "token leaked in: \(text)")
                #expect(!text.contains(Self.signingKey), "signing key leaked in: \(text)")
            }
        }
    }

    @Test func inlineSecretInAParsedProfileIsNotDumped() throws {
        let file = try ProfileConfigFile.parse(
            "[profiles.p]\ntoken = \"\(Self.token)\"\nsigning_key = \"\(Self.signingKey)\"", path: "/c.toml")
        var dumped = ""
        dump(file, to: &dumped)
        #expect(!dumped.contains(Self.token))
        #expect(!dumped.contains(Self.signingKey))
        #expect(!String(reflecting: file).contains(Self.token))
    }

    @Test func redactedValuesSayWhereTheSecretCameFrom() throws {
        let settings = try Self.settingsWithSecrets()
        #expect(settings[0].token.value.description == "set (inline)")
        #expect(settings[1].token.value.description == "set (from command)")
        #expect(settings[1].signingKey.value.description == "set (from env P_KEY)")
        #expect(settings[2].token.value.description == "set (from env SIGNALWIRE_API_TOKEN)")
        #expect(ResolvedSecret.notSet.description == "not set")
    }

    @Test func infoTextShowsEverySettingItsSourceAndThePaths() throws {
        let settings = try Self.settingsWithSecrets()[1]
        let text = Self.report(settings).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "settings")
        #expect(lines.contains { $0.contains("profile") && $0.contains("p  (config default_profile)") })
        #expect(lines.contains { $0.hasPrefix("  endpoint") && $0.hasSuffix("https://example.signalwire.com/api/laml/2010-04-01  (profile p)") })
        #expect(lines.contains { $0.hasPrefix("  token") && $0.hasSuffix("set (from command)  (profile p)") })
        #expect(lines.contains { $0.hasPrefix("  refresh") && $0.hasSuffix("2s  (default)") })
        #expect(lines.contains { $0.hasPrefix("  read_only") && $0.hasSuffix("no  (default)") })
        #expect(lines.contains { $0.hasPrefix("  config file") && $0.hasSuffix("  /c.toml") })
        #expect(lines.contains { $0.hasPrefix("  ledger") && $0.hasSuffix("/state/ledger.sqlite") })
        #expect(lines.contains { $0.hasPrefix("  log file") && $0.hasSuffix("/state/confdash.log") })
        #expect(lines.contains { $0.hasPrefix("  confdash") && $0.hasSuffix("confdash 0.1.0") })
        #expect(lines.contains { $0.hasPrefix("  swift") })
    }

    @Test func infoJSONCarriesSourcesAndNoSecrets() throws {
        let settings = try Self.settingsWithSecrets()[0]
        let data = try JSONEncoder().encode(Self.report(settings))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let rows = try #require(object["settings"] as? [[String: String]])
        let token = try #require(rows.first { $0["setting"] == "token" })
        #expect(token == ["setting": "token", "value": "set (inline)", "source": "profile", "from": "profile p"])
        let paths = try #require(object["paths"] as? [String: Any])
        #expect(paths["ledger"] as? String == "/state/ledger.sqlite")
    }
}
