import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Foundation
import Testing

/// The config file: what it may say, and what it must refuse.
@Suite struct ProfileTests {
    static let sample = """
        default_profile = "prod"

        [profiles.prod]
        space = "example"
        project_id = "pid-prod"
        token_env = "PROD_SW_TOKEN"
        signing_key_env = "PROD_SW_SIGNING_KEY"
        refresh = 2
        read_only = true
        callback_listen = "127.0.0.1:8088"
        callback_url = "https://ops.example.com/confdash/streams"

        [profiles.prod.keys]
        stopStream = "X"

        [profiles.staging]
        base_url = "https://staging.example.com/api/laml/2010-04-01"
        project_id = "pid-staging"
        token = "inline-staging-token"
        signing_key = "inline-staging-key"
        refresh = 1.5

        [profiles.vault]
        space = "vault"
        project_id = "pid-vault"
        token_command = "pass show sw/vault"

        [profiles.twilio]
        base_url = "https://api.twilio.com"
        project_id = "AC123"
        token_env = "TWILIO_AUTH_TOKEN"
        """

    @Test func parsesEveryProfileAndEachTokenForm() throws {
        let file = try ProfileConfigFile.parse(Self.sample, path: "/cfg/config.toml")
        #expect(file.defaultProfile == "prod")
        #expect(file.profiles.keys.sorted() == ["prod", "staging", "twilio", "vault"])
        let prod = try #require(file.profiles["prod"])
        #expect(prod.space == "example")
        #expect(prod.projectID == "pid-prod")
        #expect(prod.token == .environment("PROD_SW_TOKEN"))
        #expect(prod.signingKey == .environment("PROD_SW_SIGNING_KEY"))
        #expect(prod.refresh == 2)
        #expect(prod.readOnly == true)
        #expect(prod.callbackListen == "127.0.0.1:8088")
        #expect(prod.callbackURL == "https://ops.example.com/confdash/streams")
        #expect(prod.keys == ["stopStream": "X"])
        let staging = try #require(file.profiles["staging"])
        #expect(staging.space == "https://staging.example.com/api/laml/2010-04-01")
        #expect(staging.token == .inline("inline-staging-token"))
        #expect(staging.signingKey == .inline("inline-staging-key"))
        #expect(staging.refresh == 1.5)
        #expect(staging.readOnly == nil)
        #expect(file.profiles["vault"]?.token == .command("pass show sw/vault"))
        #expect(file.profiles["twilio"]?.token == .environment("TWILIO_AUTH_TOKEN"))
    }

    @Test(arguments: [
        ("defualt_profile = \"prod\"", "defualt_profile"),
        ("[profiles.prod]\nspcae = \"example\"", "profiles.prod.spcae"),
        ("[profiles.prod]\nreadonly = true", "profiles.prod.readonly"),
        ("[profile.prod]\nspace = \"example\"", "profile"),
    ])
    func unknownKeyIsRefusedByName(text: String, key: String) throws {
        let error = try #require(throws: ProfileError.self) {
            try ProfileConfigFile.parse(text, path: "/cfg/config.toml")
        }
        #expect(error == .unknownKey(path: "/cfg/config.toml", key: key))
        #expect(error.description.contains("\"\(key)\""))
        #expect(error.description.contains("/cfg/config.toml"))
    }

    @Test func wrongTypeNamesTheKey() throws {
        let error = try #require(throws: ProfileError.self) {
            try ProfileConfigFile.parse("[profiles.prod]\nread_only = \"yes\"", path: "/c.toml")
        }
        #expect(error == .wrongType(path: "/c.toml", key: "profiles.prod.read_only", expected: "true or false"))
    }

    @Test func twoFormsOfTheTokenAreRefused() throws {
        let error = try #require(throws: ProfileError.self) {
            try ProfileConfigFile.parse("[profiles.p]\ntoken = \"a\"\ntoken_env = \"B\"", path: "/c.toml")
        }
        #expect(error == .conflicting(path: "/c.toml", profile: "p", keys: ["token", "token_env"]))
    }

    @Test func invalidTOMLSaysWhere() throws {
        let error = try #require(throws: ProfileError.self) {
            try ProfileConfigFile.parse("[profiles.prod\nspace = 1", path: "/c.toml")
        }
        guard case .malformed(let path, let reason) = error else {
            Issue.record("expected malformed, got \(error)")
            return
        }
        #expect(path == "/c.toml")
        #expect(reason.contains("line 1"))
    }

    @Test func configPathFollowsXDG() {
        #expect(
            ProfileConfigFile.defaultPath(["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/op"]).path
                == "/x/cfg/confdash/config.toml")
        #expect(ProfileConfigFile.defaultPath(["HOME": "/home/op"]).path == "/home/op/.config/confdash/config.toml")
        // A relative XDG path is ignored, as the XDG spec says.
        #expect(
            ProfileConfigFile.defaultPath(["XDG_CONFIG_HOME": "cfg", "HOME": "/home/op"]).path
                == "/home/op/.config/confdash/config.toml")
    }

    // MARK: permissions, like ssh

    @Test func tooOpenFileWithInlineSecretIsRefusedWithTheFix() throws {
        try TempConfig.with("[profiles.p]\nspace = \"x\"\ntoken = \"hunter2\"\n", mode: 0o644) { url in
            let error = try #require(throws: ProfileError.self) { try ProfileConfigFile.load(url) }
            #expect(error == .tooOpen(path: url.path, mode: 0o644))
            #expect(error.description.contains("chmod 600 \(url.path)"))
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func groupReadableInlineSigningKeyIsRefused() throws {
        try TempConfig.with("[profiles.p]\nsigning_key = \"k\"\n", mode: 0o640) { url in
            #expect(throws: ProfileError.tooOpen(path: url.path, mode: 0o640)) { try ProfileConfigFile.load(url) }
        }
    }

    @Test func privateFileWithInlineSecretIsAccepted() throws {
        try TempConfig.with("[profiles.p]\nspace = \"x\"\ntoken = \"hunter2\"\n", mode: 0o600) { url in
            let file = try #require(try ProfileConfigFile.load(url))
            #expect(file.profiles["p"]?.token == .inline("hunter2"))
            #expect(file.path == url.path)
        }
    }

    @Test func openFileWithoutSecretsIsAccepted() throws {
        try TempConfig.with("[profiles.p]\nspace = \"x\"\ntoken_env = \"T\"\n", mode: 0o644) { url in
            let file = try #require(try ProfileConfigFile.load(url))
            #expect(file.profiles["p"]?.token == .environment("T"))
        }
    }

    @Test func missingFileIsNoConfig() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("confdash-none-\(UUID()).toml")
        #expect(try ProfileConfigFile.load(url) == nil)
    }
}

/// A config file in a fresh temporary directory with the given mode, removed afterwards.
enum TempConfig {
    static func with(_ text: String, mode: Int, _ body: (URL) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("confdash-profile-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("config.toml")
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        try body(url)
    }
}
