import Foundation
import Testing

/// `confdash demo` as the end-to-end tests start it: a fixed seed, no churn unless asked, its
/// own state directory so nothing lands in the real one.
enum Demo {
    static func binary() throws -> String {
        try #require(BuiltProduct.path(of: "confdash"), "confdash is not built: run `swift build` (swift test builds it)")
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The shell command that runs the demo with `arguments` after the defaults.
    static func command(_ arguments: String = "") throws -> String {
        "\(quoted(try binary())) demo --seed 3 --conferences 30 --no-churn --refresh 1 \(arguments)"
    }

    /// Environment for a session: UTF-8, colours allowed (`swift test` passes NO_COLOR=1 down),
    /// and a private state directory for the log file.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("confdash-state-\(UUID().uuidString.prefix(8))")
        return ["LANG": "C.UTF-8", "NO_COLOR": "", "XDG_STATE_HOME": state.path].merging(extra) { _, new in new }
    }

    /// Text that shows once the first refresh is on screen (the header's age of the data).
    static let loaded = "refreshed"
}
