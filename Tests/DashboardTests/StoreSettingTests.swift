import Foundation
import Profiles
import Testing

/// The store setting: `--store`, `CONFDASH_STORE`, the profile's `store`; a PostgreSQL store's
/// password from a variable or a command, never the file in clear, and the command runs only
/// when the store needs it.
@Suite struct StoreSettingTests {
    static let path = "/cfg/confdash/config.toml"

    @Test func theFlagWinsThenTheEnvironmentThenTheProfile() throws {
        let config = try ProfileConfigFile.parse(
            """
            default_profile = "team"
            [profiles.team]
            store = "postgres://ops@db/confdash"
            store_password_env = "TEAM_DB_PASSWORD"
            """, path: Self.path)
        let env = ["TEAM_DB_PASSWORD": "s3cret"]
        let fromProfile = try ProfileResolution.resolve(flags: ProfileFlags(), environment: env, config: config, configPath: Self.path)
        #expect(fromProfile.store.value == "postgres://ops@db/confdash")
        #expect(fromProfile.storePassword.value.value == "s3cret")
        #expect(!fromProfile.description.contains("s3cret"))
        let fromEnv = try ProfileResolution.resolve(
            flags: ProfileFlags(), environment: env.merging(["CONFDASH_STORE": "/srv/ledger.sqlite"]) { $1 }, config: config,
            configPath: Self.path)
        #expect(fromEnv.store.value == "/srv/ledger.sqlite")
        let fromFlag = try ProfileResolution.resolve(
            flags: ProfileFlags(store: "/tmp/x.sqlite"), environment: env.merging(["CONFDASH_STORE": "/srv/ledger.sqlite"]) { $1 },
            config: config, configPath: Self.path)
        #expect(fromFlag.store.value == "/tmp/x.sqlite")
    }

    @Test func thePasswordCommandRunsOnlyForAPostgresStore() throws {
        let config = try ProfileConfigFile.parse(
            """
            default_profile = "team"
            [profiles.team]
            store = "/srv/ledger.sqlite"
            store_password_command = "pass show db"
            """, path: Self.path)
        let settings = try ProfileResolution.resolve(
            flags: ProfileFlags(), environment: [:], config: config, configPath: Self.path,
            runCommand: { _, _ in
                Issue.record("the password command ran for a SQLite store")
                return ""
            })
        #expect(settings.store.value == "/srv/ledger.sqlite")
    }

    @Test func aPasswordInTheFileIsRefused() {
        #expect {
            try ProfileConfigFile.parse(
                """
                [profiles.team]
                store = "postgres://ops@db/confdash"
                store_password = "hunter2"
                """, path: Self.path)
        } throws: { error in
            "\(error)".contains("store_password_env") && !"\(error)".contains("hunter2")
        }
    }
}
