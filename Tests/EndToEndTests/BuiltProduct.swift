import Foundation

/// Finds an executable that `swift build` / `swift test` built for this package.
enum BuiltProduct {
    /// The test bundle runs from the build directory (e.g. .build/x86_64-unknown-linux-gnu/debug), where
    /// SwiftPM also puts the package's executables; the package's `.build/debug` is the fallback.
    static func path(of name: String, filePath: String = #filePath) -> String? {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let runner = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: runner).deletingLastPathComponent())
        }
        let packageRoot = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()   // EndToEndTests
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        for directory in candidates {
            let path = directory.appendingPathComponent(name).path
            if fileManager.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
