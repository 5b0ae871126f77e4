import Foundation
import Testing

@testable import Ledger

/// `--store`, `CONFDASH_STORE` and the profile's `store`: a path or a postgres:// URL, and a
/// password that never rides in the URL.
@Suite struct StoreLocationTests {
    @Test func aPathIsAFileAndAURLIsPostgres() throws {
        #expect(try StoreLocation.parse("/srv/confdash/ledger.sqlite") == .file(URL(fileURLWithPath: "/srv/confdash/ledger.sqlite")))
        guard case .postgres(let settings) = try StoreLocation.parse("postgres://ops@db.example.com:6432/confdash?sslmode=require", password: "pw")
        else {
            Issue.record("not a PostgreSQL store")
            return
        }
        #expect(settings.host == "db.example.com")
        #expect(settings.port == 6432)
        #expect(settings.user == "ops")
        #expect(settings.database == "confdash")
        #expect(settings.tls == .require)
        #expect(settings.password == "pw")
        // Every rendering leaves the password out.
        #expect(!"\(settings)".contains("pw)"))
        #expect(!String(reflecting: settings).contains("\"pw\""))
        #expect(settings.location == "postgres://ops@db.example.com:6432/confdash?sslmode=require")
    }

    @Test func aPasswordInTheURLIsRefusedWithoutRepeatingIt() {
        #expect {
            try StoreLocation.parse("postgres://ops:hunter2@db/confdash")
        } throws: { error in
            "\(error)".contains("store_password_env") && !"\(error)".contains("hunter2")
        }
    }

    @Test(arguments: [
        ("postgres://db/confdash", "names no user"),
        ("postgres://ops@db/", "names no database"),
        ("postgres://ops@db/confdash?sslmode=sometimes", "sslmode must be"),
        ("mysql://ops@db/confdash", "a file path or a postgres:// URL"),
        ("  ", "empty"),
    ])
    func badStoresSayWhy(text: String, why: String) {
        #expect {
            try StoreLocation.parse(text)
        } throws: { error in
            "\(error)".contains(why)
        }
    }
}
