import Foundation
import Logging
import Profiles
import ReceiverService
import Testing

/// Which profiles the team receiver serves, with which key and URL, and its JSON log lines.
@Suite struct ReceiverProfilesTests {
    static let config = """
        default_profile = "prod"

        [profiles.prod]
        signing_key = "PSKprod-inline-1111"
        callback_url = "https://ops.example.com/confdash/p/prod/streams/callback"

        [profiles.staging]
        signing_key_env = "STAGING_SIGNING_KEY"

        [profiles.lab]
        signing_key_command = "pass show sw/lab"

        [profiles.readonly]
        space = "example"

        [profiles.gone]
        signing_key_env = "GONE_SIGNING_KEY"
        """

    @Test func everyProfileWithItsOwnKeyAndURL() throws {
        let file = try ProfileConfigFile.parse(Self.config, path: "/etc/confdash/config.toml")
        var commands: [String] = []
        let profiles = try ReceiverProfiles.resolve(
            config: file,
            environment: [
                "STAGING_SIGNING_KEY": "PSKstaging-env-2222", "SIGNALWIRE_SIGNING_KEY": "PSKlaunch-9999",
                "CONFDASH_CALLBACK_URL": "https://elsewhere.example.com/",
            ],
            runCommand: { command, setting in
                commands.append("\(command) for \(setting)")
                return "PSKlab-command-3333\n"
            })
        #expect(profiles.map(\.name) == ["gone", "lab", "prod", "readonly", "staging"])
        let byName = Dictionary(uniqueKeysWithValues: profiles.map { ($0.name, $0) })
        // Each profile's own key: SIGNALWIRE_SIGNING_KEY, which overrides a dashboard's one
        // profile, would give them all one key.
        #expect(byName["prod"]?.signingKey.value == "PSKprod-inline-1111")
        #expect(byName["staging"]?.signingKey.value == "PSKstaging-env-2222")
        #expect(byName["lab"]?.signingKey.value == "PSKlab-command-3333")
        #expect(byName["readonly"]?.signingKey.value == nil)
        #expect(byName["gone"]?.signingKey.value == nil)
        #expect(byName["gone"]?.keySetting == "signing_key_env GONE_SIGNING_KEY")
        #expect(commands == ["pass show sw/lab for signing_key_command of profile lab"])
        // The profile's callback_url, never the launch variable.
        #expect(byName["prod"]?.callbackURL == "https://ops.example.com/confdash/p/prod/streams/callback")
        #expect(byName["staging"]?.callbackURL == nil)
        for profile in profiles {
            var dumped = ""
            dump(profile, to: &dumped)
            for text in ["\(profile)", String(reflecting: profile), dumped] {
                #expect(!text.contains("PSK"), "\(text)")
            }
        }
    }

    @Test func withoutAConfigFileTheEnvironmentIsTheDefaultProfile() throws {
        let profiles = try ReceiverProfiles.resolve(
            config: nil,
            environment: [
                "SIGNALWIRE_SIGNING_KEY": " PSKenv-4444 ", "CONFDASH_CALLBACK_URL": "https://ops.example.com/hooks",
            ])
        #expect(profiles.map(\.name) == ["default"])
        #expect(profiles.first?.signingKey.value == "PSKenv-4444")
        #expect(profiles.first?.callbackURL == "https://ops.example.com/hooks")

        let none = try ReceiverProfiles.resolve(config: nil, environment: [:])
        #expect(none.map(\.name) == ["default"])
        #expect(none.first?.signingKey.isSet == false)
    }

    @Test func aFailingKeyCommandIsAnError() throws {
        let file = try ProfileConfigFile.parse(Self.config, path: "/etc/confdash/config.toml")
        #expect(throws: ProfileError.commandFailed(setting: "signing_key_command of profile lab", status: 1)) {
            try ReceiverProfiles.resolve(
                config: file, environment: [:],
                runCommand: { _, setting in throw ProfileError.commandFailed(setting: setting, status: 1) })
        }
    }

    @Test func logLinesAreJSONObjects() throws {
        let log = try JSONLogFile()
        let logger = log.logger
        logger.info(
            "a \"quoted\" message\nover two lines",
            metadata: ["profile": "prod", "nested": ["list": ["1", "two"]], "control": "\u{1}tab\t"])
        logger.warning("second")
        logger.debug("below the level")
        let lines = try log.lines()
        #expect(lines.count == 2)
        let first = try #require(lines.first)
        #expect(first["level"] as? String == "info")
        #expect(first["label"] as? String == "test.receiver")
        #expect(first["message"] as? String == "a \"quoted\" message\nover two lines")
        let metadata = try #require(first["metadata"] as? [String: Any])
        #expect(metadata["profile"] as? String == "prod")
        #expect(metadata["control"] as? String == "\u{1}tab\t")
        #expect((metadata["nested"] as? [String: Any])?["list"] as? [String] == ["1", "two"])
        let stamp = try #require(first["timestamp"] as? String)
        #expect(stamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(stamp)")
        #expect(lines.last?["message"] as? String == "second")
        #expect((lines.last?["metadata"] as? [String: Any])?.isEmpty == true)
    }
}
