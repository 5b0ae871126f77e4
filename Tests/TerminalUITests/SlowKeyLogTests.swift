import DashboardCore
import Foundation
import Testing

@testable import TerminalUI

/// The slow-key log names the table's keys and the filter's, and never a character typed into a
/// prompt or form, which may be part of a secret (a stream's bearer token).
@Suite struct SlowKeyLogTests {
    @Test func charactersTypedIntoAPromptAreNotNamed() {
        var state = AppState(space: "demo", account: "AC", now: Date(timeIntervalSince1970: 0))
        #expect(DashboardApp.loggedName(of: .key(.character("s")), typedInto: state.modal) == "s")
        _ = update(&state, .key(.character("/")))
        #expect(DashboardApp.loggedName(of: .key(.character("r")), typedInto: state.modal) == "r")
        _ = update(&state, .key(.escape))
        _ = update(&state, .key(.character(":")))
        let prompt = state.modal
        #expect(prompt != nil)
        let typed = DashboardApp.loggedName(of: .key(.character("q")), typedInto: prompt)
        let pasted = DashboardApp.loggedName(of: .key(.paste("s3cr3t-token")), typedInto: prompt)
        #expect(!typed.contains("q") && !pasted.contains("s3cr3t"), "\(typed) / \(pasted)")
        #expect(typed == "a character typed into the command line")
        #expect(DashboardApp.loggedName(of: .key(.backspace), typedInto: prompt) == Key.backspace.displayName)
    }

    /// A slow message other than a key is named by its kind only: a refresh carries every
    /// conference, a failed start what the operator typed.
    @Test func aSlowMessageIsNamedByItsKindNotWhatItCarries() {
        #expect(DashboardApp.kind(of: .tick(Date(timeIntervalSince1970: 0))) == "tick")
        let failed = DashboardApp.kind(of: .streamStartFailed(conference: "CF1", name: "s3cr3t-name", message: "401 s3cr3t"))
        #expect(failed == "streamStartFailed")
        #expect(DashboardApp.kind(of: .pollFailed(reason: "timed out", attempt: 2, retryAt: .distantFuture, at: .distantPast)) == "pollFailed")
    }
}
