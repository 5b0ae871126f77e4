import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// `:columns` and `:view`: what a table shows, in which order, kept per profile; a saved view
/// brings back a filter, an order and the columns. Bad words change nothing and say why.
struct ColumnsTests {
    static func command(_ state: inout AppState, _ line: String) -> [Effect] {
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste(line)))
        return update(&state, .key(.enter))
    }

    static func saved(_ effects: [Effect]) -> SavedLayout? {
        for case .saveLayout(let layout) in effects { return layout }
        return nil
    }

    @Test func hidingAndShowingAColumnIsKeptAndSaved() throws {
        var state = Fixtures.loadedState()
        #expect(state.layout.shown(.conferences) == ["name", "status", "region", "parts", "streams", "created", "age"])
        let hidden = try #require(Self.saved(Self.command(&state, "columns hide region age")))
        #expect(hidden.shown(.conferences) == ["name", "status", "parts", "streams", "created"])
        #expect(state.layout == hidden)
        #expect(state.status?.text == "conferences columns: name, status, parts, streams, created")
        let shown = try #require(Self.saved(Self.command(&state, "columns show sid")))
        #expect(shown.shown(.conferences) == ["name", "status", "parts", "streams", "created", "sid"])
        // A list puts exactly those, in that order.
        _ = Self.command(&state, "columns sid,name status")
        #expect(state.layout.shown(.conferences) == ["sid", "name", "status"])
        // Back to the defaults: nothing is left in the file for this table.
        let reset = try #require(Self.saved(Self.command(&state, "columns reset")))
        #expect(reset.columns["conferences"] == nil)
    }

    @Test func badColumnWordsChangeNothing() {
        var state = Fixtures.loadedState()
        _ = Self.command(&state, "columns hide region")
        let before = state.layout
        #expect(Self.command(&state, "columns hide regoin").isEmpty)
        #expect(state.status?.text.hasPrefix("the conferences table has no column regoin (it has name, sid, status") == true)
        #expect(state.status?.severity == .error)
        #expect(Self.command(&state, "columns name,status,volume").isEmpty)
        #expect(Self.command(&state, "columns hide name status parts streams created age").isEmpty)
        #expect(state.status?.text == "a table needs at least one column; nothing changed")
        #expect(Self.command(&state, "columns show").isEmpty)
        #expect(state.layout == before)
        // The event log's columns are not the operator's to choose.
        _ = update(&state, .key(.character("L")))
        #expect(state.screen == .eventLog)
        #expect(Self.command(&state, "columns").isEmpty && state.modal == nil)
        #expect(state.status?.text.hasPrefix("the event log's columns are fixed") == true)
    }

    @Test func theChooserTicksMovesAndKeepsOnlyOnEnter() throws {
        var state = Fixtures.loadedState()
        _ = Self.command(&state, "columns")
        guard case .columns(let opened) = state.modal else { Issue.record("no chooser: \(String(describing: state.modal))"); return }
        #expect(opened.table == .conferences)
        #expect(opened.order == ["name", "status", "region", "parts", "streams", "created", "age", "sid", "updated"])
        // Down to region, untick it; down to sid, tick it and move it up to second.
        for key: Key in [.character("j"), .character("j"), .character(" ")] { _ = update(&state, .key(key)) }
        for _ in 0..<5 { _ = update(&state, .key(.character("j"))) }
        _ = update(&state, .key(.character(" ")))
        for _ in 0..<6 { _ = update(&state, .key(.character("K"))) }
        #expect(state.layout.shown(.conferences).contains("region"), "nothing changes before Enter")
        let saved = try #require(Self.saved(update(&state, .key(.enter))))
        #expect(saved.shown(.conferences) == ["name", "sid", "status", "parts", "streams", "created", "age"])
        #expect(state.modal == nil)
        // Esc leaves them as they were.
        _ = Self.command(&state, "columns")
        _ = update(&state, .key(.character(" ")))
        #expect(update(&state, .key(.escape)).isEmpty)
        #expect(state.layout == saved && state.status?.text == "columns unchanged")
    }

    @Test func theColumnsAreThoseOfThePaneInFront() throws {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.enter))
        guard case .conference = state.screen else { Issue.record("not on a conference's screen"); return }
        _ = Self.command(&state, "columns hide flags quality")
        #expect(state.layout.shown(.participants) == ["call-sid", "speaking", "status", "who", "dir", "lasted"])
        _ = update(&state, .key(.tab))
        #expect(state.detailPane == .streams)
        _ = Self.command(&state, "columns hide codec")
        #expect(state.layout.shown(.streams) == ["name", "status", "track", "stream-sid", "from", "started"])
        #expect(state.layout.shown(.conferences) == TableName.conferences.defaultColumns)
    }

    @Test func aSavedViewBringsBackItsFilterOrderAndColumns() throws {
        var state = Fixtures.loadedState()
        _ = Self.command(&state, "columns hide region")
        _ = Self.command(&state, "filter Support")
        let saved = try #require(Self.saved(Self.command(&state, "view save support")))
        let view = try #require(saved.views["support"])
        #expect(view.filter == "Support" && view.columns["conferences"]?.contains("region") == false)
        #expect(state.viewInUse?.name == "support" && state.viewInUse?.changed == false)
        // Move away from it: another filter, every column, another order.
        _ = Self.command(&state, "filter")
        _ = Self.command(&state, "columns reset")
        _ = update(&state, .key(.character("s")))
        #expect(state.viewInUse?.changed == true)
        #expect(state.visibleSids.count == 3)
        let applied = try #require(Self.saved(Self.command(&state, "view support")))
        #expect(state.filter == "Support" && state.visibleSids == ["c1"])
        #expect(state.sortColumn == .created && state.sortDescending)
        #expect(applied.shown(.conferences) == ["name", "status", "parts", "streams", "created", "age"])
        #expect(state.viewInUse?.changed == false)
        #expect(state.status?.text == "view support: filter \"Support\", sorted by created descending")
    }

    @Test func viewsAreListedPickedAndDeletedAndAnUnknownOneChangesNothing() throws {
        var state = Fixtures.loadedState()
        _ = Self.command(&state, "view")
        #expect(state.modal == nil && state.status?.text.hasPrefix("no saved views yet") == true)
        _ = Self.command(&state, "filter 東京")
        _ = Self.command(&state, "view save tokyo")
        _ = Self.command(&state, "filter")
        _ = Self.command(&state, "view save all")
        let before = state
        #expect(Self.command(&state, "view tokio").isEmpty)
        #expect(state.status?.text == "no view tokio (saved: all, tokyo); nothing changed")
        #expect(state.filter == before.filter && state.layout == before.layout)
        #expect(Self.command(&state, "view save bad/name").isEmpty)
        #expect(state.layout == before.layout)
        // `:view` lists them; Enter on the second puts it on screen.
        _ = Self.command(&state, "view")
        guard case .picker(let picker) = state.modal else { Issue.record("no list of views"); return }
        #expect(picker.items.map(\.label) == ["all: no filter, sorted by created descending", "tokyo: filter \"東京\", sorted by created descending"])
        _ = update(&state, .key(.character("j")))
        _ = update(&state, .key(.enter))
        #expect(state.filter == "東京" && state.visibleSids == ["c2"])
        let deleted = try #require(Self.saved(Self.command(&state, "view delete tokyo")))
        #expect(deleted.views.keys.sorted() == ["all"] && state.viewInUse == nil)
    }

    @Test func theCommandLineCompletesViewsAndColumns() {
        var state = Fixtures.loadedState()
        _ = Self.command(&state, "view save night")
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste("view n")))
        _ = update(&state, .key(.tab))
        #expect(state.commandEditor?.text == "view night")
        _ = update(&state, .key(.escape))
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste("columns hide reg")))
        _ = update(&state, .key(.tab))
        #expect(state.commandEditor?.text == "columns hide region")
    }
}
