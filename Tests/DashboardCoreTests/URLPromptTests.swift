import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// The announce and hold prompts: a URL the service cannot fetch is refused in the prompt,
/// which stays open with what was typed, and nothing changes.
struct URLPromptTests {
    static func bridgeOpen() -> AppState {
        var state = Fixtures.loadedState()
        state.selectedSid = "c1"
        _ = update(&state, .key(.enter))
        return state
    }

    @Test(arguments: ["not a url", "ftp://media.example.com/a.mp3", "/relative/path.mp3", ""])
    func anAnnouncementWithABadURLStaysOpenAndSaysWhy(url: String) {
        var state = Self.bridgeOpen()
        _ = update(&state, .key(.character("A")))
        if !url.isEmpty { _ = update(&state, .key(.paste(url))) }
        let before = state.rows
        #expect(update(&state, .key(.enter)) == [])
        let prompt = state.urlPrompt
        #expect(prompt != nil, "the prompt closed on \(url.debugDescription)")
        #expect(prompt?.url.text == url)
        #expect(prompt?.problem?.isEmpty == false)
        #expect(state.rows == before)
        // Editing the URL takes the message away; a good one is sent.
        _ = update(&state, .key(.ctrl("u")))
        _ = update(&state, .key(.paste("https://media.example.com/hello.mp3")))
        #expect(state.urlPrompt?.problem == nil)
        #expect(
            update(&state, .key(.enter)) == [.announce(conference: "c1", url: "https://media.example.com/hello.mp3", method: .post)])
        #expect(state.urlPrompt == nil)
    }

    @Test func holdMusicWithABadURLStaysOpenAndHoldsNobody() {
        var state = Self.bridgeOpen()
        _ = update(&state, .key(.character("h")))
        #expect(state.urlPrompt?.purpose == .hold(callSid: "CAc1-0"))
        _ = update(&state, .key(.paste("music.mp3")))
        #expect(update(&state, .key(.enter)) == [])
        #expect(state.urlPrompt?.problem?.contains("http") == true)
        #expect(state.rows["c1"]?.participants.contains { $0.hold } == false)
        #expect(state.pendingRollbacks.isEmpty)
        // Moving the cursor is not an edit: the message stays until the URL changes.
        _ = update(&state, .key(.left))
        #expect(state.urlPrompt?.problem != nil)
        _ = update(&state, .key(.end))
        _ = update(&state, .key(.ctrl("u")))
        #expect(state.urlPrompt?.problem == nil)
        // Empty keeps the service's own music.
        #expect(update(&state, .key(.enter)) == [.setHold(conference: "c1", callSid: "CAc1-0", true, holdUrl: nil)])
    }
}
