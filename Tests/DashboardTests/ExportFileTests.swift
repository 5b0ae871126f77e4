import DashboardCore
import DashboardRuntime
import Foundation
import Testing

/// `:export`'s file: written whole or not at all, never over a file unless the operator said so.
struct ExportFileTests {
    @Test func writingLeavesAFileThereUnlessToldAndRefusesWhatItCannotWrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("t.csv").path
        #expect(TableExport.write("one", to: path, overwrite: false) == .written(path))
        #expect(TableExport.write("two", to: path, overwrite: false) == .exists)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one")
        #expect(TableExport.write("two", to: path, overwrite: true) == .written(path))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        let missing = directory.appendingPathComponent("no/such/dir/t.csv").path
        #expect(TableExport.write("x", to: missing, overwrite: false) == .failed("there is no directory \(directory.path)/no/such/dir"))
        // Under a regular file: not a directory, whoever runs it (root ignores file modes).
        let underFile = path + "/t.csv"
        #expect(TableExport.write("x", to: underFile, overwrite: false) == .failed("there is no directory \(path)"))
        #expect(TableExport.write("x", to: directory.path, overwrite: true) == .failed("\(directory.path) is a directory"))
        #expect(TableExport.write("x", to: "~/home.csv", overwrite: false, home: directory.path) == .written(directory.path + "/home.csv"))
    }
}
