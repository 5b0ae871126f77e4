import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Foundation
import Testing

/// Which layers say something about a setting; the highest one present must win.
struct Layers: Sendable, CustomTestStringConvertible {
    var flag: Bool
    var env: Bool
    var profile: Bool

    static let all: [Layers] = [false, true].flatMap { f in
        [false, true].flatMap { e in [false, true].map { p in Layers(flag: f, env: e, profile: p) } }
    }

    /// The kind of source that must win: flag, env, profile, default.
    var winner: String { flag ? "flag" : env ? "env" : profile ? "profile" : "default" }

    var testDescription: String {
        ["flag": flag, "env": env, "profile": profile].filter(\.value).keys.sorted().joined(separator: "+").ifEmpty("none")
    }
}

extension String {
    fileprivate func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}

/// Flag, then environment, then profile, then default, setting by setting.
@Suite struct ProfileResolutionTests {
    static let path = "/cfg/confdash/config.toml"

    /// A config whose profile `p` sets every setting to a recognisable "profile" value.
    static func config(_ profile: Profile) -> ProfileConfigFile {
        ProfileConfigFile(path: path, defaultProfile: profile.name, profiles: [profile.name: profile])
    }

    static func resolve(
        _ flags: ProfileFlags = ProfileFlags(), env: [String: String] = [:], config: ProfileConfigFile? = nil,
        runCommand: ProfileResolution.CommandRunner = { _, _ in
            Issue.record("no command should run")
            return ""
        }
    ) throws -> ResolvedSettings {
        try ProfileResolution.resolve(flags: flags, environment: env, config: config, configPath: path, runCommand: runCommand)
    }

    @Test(arguments: Layers.all)
    func space(_ layers: Layers) throws {
        let settings = try Self.resolve(
            ProfileFlags(space: layers.flag ? "flagspace" : nil),
            env: layers.env ? ["SIGNALWIRE_SPACE": "envspace"] : [:],
            config: Self.config(Profile(name: "p", space: layers.profile ? "profilespace" : nil)))
        #expect(settings.endpoint.source.kind == layers.winner)
        let expected: String? =
            switch layers.winner {
            case "flag": "https://flagspace.signalwire.com/api/laml/2010-04-01"
            case "env": "https://envspace.signalwire.com/api/laml/2010-04-01"
            case "profile": "https://profilespace.signalwire.com/api/laml/2010-04-01"
            default: nil
            }
        #expect(settings.endpoint.value?.baseURL == expected)
    }

    @Test(arguments: Layers.all)
    func refresh(_ layers: Layers) throws {
        let settings = try Self.resolve(
            ProfileFlags(refresh: layers.flag ? 5 : nil),
            env: layers.env ? ["CONFDASH_REFRESH": "7"] : [:],
            config: Self.config(Profile(name: "p", refresh: layers.profile ? 9 : nil)))
        let expected: Double = layers.flag ? 5 : layers.env ? 7 : layers.profile ? 9 : 2
        #expect(settings.refresh.value == expected)
        #expect(settings.refresh.source.kind == layers.winner)
    }

    @Test(arguments: Layers.all)
    func readOnly(_ layers: Layers) throws {
        // Alternating values prove which layer won, not just that something said "true".
        let settings = try Self.resolve(
            ProfileFlags(readOnly: layers.flag ? true : nil),
            env: layers.env ? ["CONFDASH_READONLY": "no"] : [:],
            config: Self.config(Profile(name: "p", readOnly: layers.profile ? true : nil)))
        let expected = layers.flag ? true : layers.env ? false : layers.profile
        #expect(settings.readOnly.value == expected)
        #expect(settings.readOnly.source.kind == layers.winner)
    }

    /// The token has no flag on purpose: every user of a shared host can read argv.
    @Test(arguments: Layers.all.filter { !$0.flag })
    func token(_ layers: Layers) throws {
        var env: [String: String] = ["PROD_SW_TOKEN": "profile-token"]
        if layers.env { env["SIGNALWIRE_API_TOKEN"] = "env-token" }
        let settings = try Self.resolve(
            env: env,
            config: Self.config(Profile(name: "p", token: layers.profile ? .environment("PROD_SW_TOKEN") : nil)))
        #expect(settings.token.source.kind == layers.winner)
        let expected: String? = layers.env ? "env-token" : layers.profile ? "profile-token" : nil
        #expect(settings.token.value.value == expected)
    }

    @Test func callbackSettingsFollowTheSameOrder() throws {
        let config = Self.config(Profile(name: "p", callbackListen: "127.0.0.1:1", callbackURL: "https://p.example/cb"))
        let fromProfile = try Self.resolve(config: config)
        #expect(fromProfile.callbackListen == Sourced("127.0.0.1:1", from: .profile("p")))
        #expect(fromProfile.callbackURL == Sourced("https://p.example/cb", from: .profile("p")))
        let fromEnv = try Self.resolve(env: ["CONFDASH_CALLBACK_LISTEN": "127.0.0.1:2"], config: config)
        #expect(fromEnv.callbackListen == Sourced("127.0.0.1:2", from: .environment("CONFDASH_CALLBACK_LISTEN")))
        let fromFlag = try Self.resolve(
            ProfileFlags(callbackListen: "127.0.0.1:3"), env: ["CONFDASH_CALLBACK_LISTEN": "127.0.0.1:2"], config: config)
        #expect(fromFlag.callbackListen == Sourced("127.0.0.1:3", from: .flag("--callback-listen")))
        #expect(try Self.resolve().callbackListen == Sourced(nil, from: .defaultValue))
    }

    @Test func profileChoiceIsFlagThenEnvThenFileDefault() throws {
        let file = ProfileConfigFile(
            path: Self.path, defaultProfile: "a",
            profiles: ["a": Profile(name: "a", space: "aa"), "b": Profile(name: "b", space: "bb"), "c": Profile(name: "c", space: "cc")])
        let byDefault = try Self.resolve(config: file)
        #expect(byDefault.profileName == Sourced("a", from: .configFile("default_profile")))
        #expect(byDefault.endpoint.value?.host == "aa.signalwire.com")
        let byEnv = try Self.resolve(env: ["CONFDASH_PROFILE": "b"], config: file)
        #expect(byEnv.profileName == Sourced("b", from: .environment("CONFDASH_PROFILE")))
        let byFlag = try Self.resolve(ProfileFlags(profile: "c"), env: ["CONFDASH_PROFILE": "b"], config: file)
        #expect(byFlag.profileName == Sourced("c", from: .flag("--profile")))
        #expect(byFlag.endpoint.value?.host == "cc.signalwire.com")
    }

    @Test func unknownProfileListsTheKnownOnes() throws {
        let file = ProfileConfigFile(path: Self.path, profiles: ["prod": Profile(name: "prod"), "lab": Profile(name: "lab")])
        #expect(throws: ProfileError.unknownProfile(path: Self.path, profile: "prdo", known: ["lab", "prod"])) {
            try Self.resolve(ProfileFlags(profile: "prdo"), config: file)
        }
    }

    @Test func profileAskedForWithoutAFileIsAnError() throws {
        #expect(throws: ProfileError.noConfigFile(path: Self.path, profile: "prod")) {
            try Self.resolve(ProfileFlags(profile: "prod"))
        }
    }

    /// No config file at all: exactly the environment-only behaviour confdash always had.
    @Test func environmentAloneStillWorks() throws {
        let settings = try Self.resolve(env: [
            "SIGNALWIRE_SPACE": "example", "SIGNALWIRE_PROJECT_ID": "pid", "SIGNALWIRE_API_TOKEN": "tok",
        ])
        #expect(settings.profileName == Sourced(nil, from: .defaultValue))
        #expect(try settings.requireEndpoint().baseURL == "https://example.signalwire.com/api/laml/2010-04-01")
        #expect(try settings.credentials() == Credentials(projectID: "pid", apiToken: "tok"))
        #expect(settings.refresh == Sourced(2, from: .defaultValue))
        #expect(settings.readOnly == Sourced(false, from: .defaultValue))
        #expect(settings.configFound == false)
    }

    @Test func missingCredentialsNameWhatToSet() throws {
        let none = try Self.resolve()
        let error = try #require(throws: CompatError.self) { try none.credentials() }
        #expect(error.operatorMessage.contains("SIGNALWIRE_PROJECT_ID"))
        #expect(error.operatorMessage.contains("SIGNALWIRE_API_TOKEN"))
        #expect(throws: CompatError.self) { try none.requireEndpoint() }
        let emptyVariable = try Self.resolve(
            config: Self.config(Profile(name: "p", projectID: "pid", token: .environment("PROD_SW_TOKEN"))))
        let named = try #require(throws: CompatError.self) { try emptyVariable.credentials() }
        #expect(named.operatorMessage.contains("PROD_SW_TOKEN"))
    }

    @Test func tokenCommandRunsOnlyWhenItWins() throws {
        let profile = Profile(name: "vault", token: .command("pass show sw/vault"))
        let fromEnv = try Self.resolve(env: ["SIGNALWIRE_API_TOKEN": "env-token"], config: Self.config(profile))
        #expect(fromEnv.token.value.value == "env-token")
        let fromCommand = try Self.resolve(
            config: Self.config(profile),
            runCommand: { command, setting in
                #expect(command == "pass show sw/vault")
                #expect(setting == "token_command of profile vault")
                return "command-token"
            })
        #expect(fromCommand.token.value == ResolvedSecret(value: "command-token", origin: .command))
        #expect(fromCommand.token.source == .profile("vault"))
    }

    @Test func refreshOutOfRangeNamesItsSource() throws {
        let error = try #require(throws: ProfileError.self) {
            try Self.resolve(config: Self.config(Profile(name: "p", refresh: 0.2)))
        }
        #expect(error.description.contains("refresh (profile p)"))
        #expect(throws: ProfileError.self) { try Self.resolve(env: ["CONFDASH_REFRESH": "soon"]) }
        #expect(throws: ProfileError.self) { try Self.resolve(env: ["CONFDASH_READONLY": "maybe"]) }
    }

    @Test func twilioProfileTurnsStreamsOff() throws {
        let settings = try Self.resolve(
            env: ["TWILIO_AUTH_TOKEN": "t"],
            config: Self.config(
                Profile(name: "twilio", space: "https://api.twilio.com", projectID: "AC1", token: .environment("TWILIO_AUTH_TOKEN"))))
        let endpoint = try settings.requireEndpoint()
        #expect(endpoint.baseURL == "https://api.twilio.com/2010-04-01")
        #expect(endpoint.usesJSONSuffix)
        #expect(settings.supportsStreams == false)
        #expect(settings.streamsUnavailableReason == "Twilio has no conference streams; stream actions are off for this profile")
        let signalwire = try Self.resolve(env: ["SIGNALWIRE_SPACE": "example"])
        #expect(signalwire.supportsStreams)
        #expect(signalwire.streamsUnavailableReason == nil)
    }

    @Test func keyOverridesComeFromTheProfile() throws {
        let settings = try Self.resolve(config: Self.config(Profile(name: "p", keys: ["stopStream": "X"])))
        #expect(settings.keyOverrides == Sourced(["stopStream": "X"], from: .profile("p")))
        #expect(try Self.resolve().keyOverrides == Sourced([:], from: .defaultValue))
    }
}

/// `max_concurrency`: the most reads the client may keep in flight.
@Suite struct MaxConcurrencySettingTests {
    @Test(arguments: Layers.all)
    func maxConcurrency(_ layers: Layers) throws {
        var flags = ProfileFlags()
        flags.maxConcurrency = layers.flag ? 40 : nil
        var profile = Profile(name: "p")
        profile.maxConcurrency = layers.profile ? 16 : nil
        let settings = try ProfileResolutionTests.resolve(
            flags, env: layers.env ? [ProfileResolution.maxConcurrencyVariable: "24"] : [:],
            config: ProfileResolutionTests.config(profile))
        #expect(settings.maxConcurrency.source.kind == layers.winner)
        let expected = ["flag": 40, "env": 24, "profile": 16, "default": 32][layers.winner]
        #expect(settings.maxConcurrency.value == expected)
    }

    @Test func outOfRangeOrNotANumberIsRefusedByName() throws {
        #expect(throws: ProfileError.self) {
            try ProfileResolutionTests.resolve(env: [ProfileResolution.maxConcurrencyVariable: "0"])
        }
        #expect(throws: ProfileError.self) {
            try ProfileResolutionTests.resolve(env: [ProfileResolution.maxConcurrencyVariable: "lots"])
        }
        #expect(throws: ProfileError.self) {
            try ProfileConfigFile.parse("[profiles.p]\nmax_concurrency = 100\n", path: "/cfg/config.toml")
        }
        #expect(throws: ProfileError.self) {
            try ProfileConfigFile.parse("[profiles.p]\nmax_concurrency = 2.5\n", path: "/cfg/config.toml")
        }
        let file = try ProfileConfigFile.parse("[profiles.p]\nmax_concurrency = 12\n", path: "/cfg/config.toml")
        #expect(file.profiles["p"]?.maxConcurrency == 12)
    }
}
