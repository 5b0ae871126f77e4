import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// `:export PATH`: the table on screen, every row in its order, as CSV or JSON; a file already
/// there is written over only when the operator says so; a path it cannot take changes nothing.
struct ExportTests {
    static func command(_ state: inout AppState, _ line: String) -> [Effect] {
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste(line)))
        return update(&state, .key(.enter))
    }

    static func export(_ effects: [Effect]) -> (path: String, text: String, rows: Int, overwrite: Bool)? {
        for case .exportTable(let path, let text, let rows, _, let overwrite) in effects { return (path, text, rows, overwrite) }
        return nil
    }

    @Test func csvHoldsEveryRowOfTheTableInItsOrder() throws {
        var state = Fixtures.loadedState()
        let export = try #require(Self.export(Self.command(&state, "export /tmp/table.csv")))
        #expect(export.path == "/tmp/table.csv" && export.rows == 3 && !export.overwrite)
        let lines = export.text.components(separatedBy: "\r\n")
        #expect(lines[0] == "sid,friendly_name,status,region,participants,streams,date_created,date_updated")
        #expect(lines.count == 5 && lines[4].isEmpty, "a header, three records, each ended by CRLF")
        #expect(lines.dropFirst().prefix(3).map { $0.components(separatedBy: ",")[0] } == state.visibleSids)
        let support = try #require(lines.first { $0.hasPrefix("c1,") })
        #expect(support == "c1,Support Bridge,in-progress,us1,3,0,2027-01-15T07:30:00Z,2027-01-15T07:30:00Z")
    }

    @Test func aFilteredTableExportsOnlyWhatItShows() throws {
        var state = Fixtures.loadedState()
        _ = Self.command(&state, "filter 東京")
        let export = try #require(Self.export(Self.command(&state, "export /tmp/t.json")))
        #expect(export.rows == 1)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(export.text.utf8)) as? [[String: Any]])
        #expect(objects.count == 1)
        #expect(objects[0]["friendly_name"] as? String == "東京 standup")
        #expect(objects[0]["participants"] as? Int == 1)
        #expect(Set(objects[0].keys) == Set(TableExport.fields))
    }

    @Test func aPathThatIsNeitherCSVNorJSONIsRefused() {
        var state = Fixtures.loadedState()
        #expect(Self.export(Self.command(&state, "export /tmp/table.txt")) == nil)
        #expect(state.status?.text.contains("is neither; nothing written") == true)
        #expect(Self.export(Self.command(&state, "export")) == nil)
        #expect(state.status?.text.contains("needs a file path") == true)
    }

    @Test func aFileAlreadyThereIsWrittenOverOnlyAfterAYes() throws {
        var state = Fixtures.loadedState()
        _ = update(&state, .exported(path: "out.csv", text: "x\r\n", rows: 3, .exists))
        let question = try #require(state.confirmation)
        #expect(question.question.contains("out.csv exists"))
        // Cancel has the focus: Enter alone writes nothing.
        #expect(update(&state, .key(.enter)).isEmpty)
        #expect(state.modal == nil)
        _ = update(&state, .exported(path: "out.csv", text: "x\r\n", rows: 3, .exists))
        _ = update(&state, .key(.tab))
        let effects = update(&state, .key(.enter))
        let export = try #require(Self.export(effects))
        #expect(export.path == "out.csv" && export.text == "x\r\n" && export.overwrite)
    }

    @Test func whatTheWriteCameToIsSaid() {
        var state = Fixtures.loadedState()
        _ = update(&state, .exported(path: "a.csv", text: "", rows: 3, .written("/home/op/a.csv")))
        #expect(state.status?.text == "wrote 3 conferences to /home/op/a.csv")
        _ = update(&state, .exported(path: "/nope/a.csv", text: "", rows: 3, .failed("there is no directory /nope")))
        #expect(state.status?.text == "export failed: there is no directory /nope; nothing written")
    }

    /// On a conference's screen `:export` writes the pane in front, filtered as it shows.
    @Test func aConferencesPaneExportsItsRows() throws {
        var state = Fixtures.loadedState()
        guard let support = state.visibleSids.firstIndex(of: "c1") else { Issue.record("no c1"); return }
        for _ in 0..<support { _ = update(&state, .key(.character("j"))) }
        _ = update(&state, .key(.enter))
        #expect(state.screen == .conference(sid: "c1"))
        let effects = Self.command(&state, "export /tmp/people.csv")
        guard case .exportTable(_, let text, let rows, let table, _)? = effects.first else {
            Issue.record("no export: \(effects)")
            return
        }
        #expect(table == .participants && rows == 3)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == TableExport.participantFields.joined(separator: ","))
        #expect(lines.dropFirst().prefix(3).map { $0.components(separatedBy: ",")[0] } == state.shownParticipants.map(\.callSid))
        #expect(lines[1].contains(",c1,") && lines[1].contains(",false,"))
        _ = update(&state, .exported(path: "/tmp/people.csv", text: text, rows: rows, table: table, .written("/tmp/people.csv")))
        #expect(state.status?.text == "wrote 3 participants to /tmp/people.csv")
        // The streams pane: none known, an empty list.
        _ = update(&state, .key(.tab))
        guard case .exportTable(_, let json, 0, .streams, _)? = Self.command(&state, "export /tmp/s.json").first else {
            Issue.record("no streams export")
            return
        }
        #expect(json == "[]\n")
        // The event log is not a table to export here.
        _ = update(&state, .key(.character("L")))
        #expect(Self.command(&state, "export /tmp/log.csv").isEmpty)
        #expect(state.status?.text.contains("confdash audit --csv") == true)
    }
}
