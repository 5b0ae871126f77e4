import CompatAPI
import Foundation

// Modals: each takes every key while it is open, and says what it came to when it closes.

func handleModalKey(_ state: inout AppState, _ modal: Modal, _ key: Key) -> [Effect] {
    switch modal {
    case .help(let scroll):
        handleHelpKey(&state, scroll: scroll, key)
        return []
    case .confirmation(let confirmation):
        return handleConfirmationKey(&state, confirmation, key)
    case .urlPrompt(let prompt):
        return handleURLPromptKey(&state, prompt, key)
    case .startStreamForm(var form):
        switch form.apply(key) {
        case .none:
            state.modal = .startStreamForm(form)
            return []
        case .cancel:
            state.modal = nil
            showStatus(&state, "no stream started", .info)
            return []
        case .submit(let request):
            state.modal = .startStreamForm(form)
            if let call = form.callSid {
                // The form shows no codec or real-time field for a call, so none can be set here.
                return [
                    .startCallStream(
                        conference: form.conferenceSid, conferenceName: form.conferenceName, call: call,
                        StartCallStreamRequest(request))
                ]
            }
            return [.startStream(conference: form.conferenceSid, conferenceName: form.conferenceName, request)]
        }
    case .command(let prompt):
        return handleCommandKey(&state, prompt, key)
    case .filter(let editor):
        handleFilterKey(&state, editor, key)
        return []
    case .notice:
        handleNoticeKey(&state, key)
        return []
    case .picker(let picker):
        return handlePickerKey(&state, picker, key)
    case .columns(let chooser):
        return handleColumnChooserKey(&state, chooser, key)
    }
}

/// A notice closes on Enter or Esc only; every other key (Space too: it is part of a name
/// typed for a form that never opened) is swallowed, so nothing typed reaches the screen behind.
func handleNoticeKey(_ state: inout AppState, _ key: Key) {
    guard key == .enter || key == .escape else { return }
    state.modal = nil
}

/// The movement keys of the keymap scroll a help taller than the terminal; any other key closes it.
func handleHelpKey(_ state: inout AppState, scroll: Int, _ key: Key) {
    switch state.keymap.action(for: key, in: state.context) {
    case .moveDown: state.modal = .help(scroll: scroll + 1)
    case .moveUp: state.modal = .help(scroll: max(0, scroll - 1))
    case .pageDown: state.modal = .help(scroll: scroll + state.visibleRows)
    case .pageUp: state.modal = .help(scroll: max(0, scroll - state.visibleRows))
    default: state.modal = nil
    }
}

/// The `/` filter of the table, or of the pane in front on a conference's screen: applied as
/// it is typed; Enter keeps it, Esc clears it.
func handleFilterKey(_ state: inout AppState, _ editor: LineEditor, _ key: Key) {
    var editor = editor
    switch key {
    case .escape:
        state.focusedFilter = ""
        state.modal = nil
    case .enter:
        state.modal = nil
    default:
        editor.apply(key)
        state.modal = .filter(editor)
        state.focusedFilter = editor.text
    }
    if case .conference = state.screen { keepDetailSelectionShown(&state) } else { keepSelectionVisible(&state) }
}

func handleCommandKey(_ state: inout AppState, _ prompt: CommandPrompt, _ key: Key) -> [Effect] {
    var prompt = prompt
    switch prompt.apply(key) {
    case .none:
        state.modal = .command(prompt)
        return []
    case .cancel:
        state.modal = nil
        return []
    case .run(let line):
        state.modal = nil
        return runCommand(&state, line)
    }
}

/// A destructive action's question: Cancel is focused, so Enter alone does nothing; Tab or
/// the arrows move to the action's button.
func handleConfirmationKey(_ state: inout AppState, _ confirmation: Confirmation, _ key: Key) -> [Effect] {
    var confirmation = confirmation
    switch key {
    case .tab, .backTab, .left, .right:
        confirmation.confirmFocused.toggle()
        state.modal = .confirmation(confirmation)
        return []
    case .enter, .character(" "):
        state.modal = nil
        guard confirmation.confirmFocused else {
            showStatus(&state, "nothing done", .info)
            return []
        }
        switch confirmation.action {
        case .stopStream(let conference, let stream):
            showStatus(&state, "stopping \(stream)…", .info)
            return [.stopStream(conference: conference, stream: stream)]
        case .endConference(let conference):
            showStatus(&state, "ending \(conference)…", .info)
            return [.endConference(conference)]
        case .removeParticipant(let conference, let callSid):
            showStatus(&state, "removing \(callSid)…", .info)
            return [.removeParticipant(conference: conference, callSid: callSid)]
        case .stopRecording(let conference, let recording):
            showStatus(&state, "stopping recording \(recording)…", .info)
            return [.stopRecording(conference: conference, recording: recording)]
        case .deleteRecording(let conference, let recording):
            showStatus(&state, "deleting recording \(recording)…", .info)
            return [.deleteRecording(conference: conference, recording: recording)]
        case .stopCallRecording(let conference, let call, let recording):
            showStatus(&state, "stopping recording \(recording) of call \(call)…", .info)
            return [.updateCallRecording(conference: conference, call: call, recording: recording, .stop)]
        case .deleteCallRecording(let conference, let call, let recording):
            showStatus(&state, "deleting recording \(recording) of call \(call)…", .info)
            return [.deleteCallRecording(conference: conference, call: call, recording: recording)]
        case .overwriteExport(let path, let text, let rows, let table):
            showStatus(&state, "writing \(path)…", .info)
            return [.exportTable(path: path, text: text, rows: rows, table: table, overwrite: true)]
        }
    case .escape, .character("q"), .character("n"):
        state.modal = nil
        showStatus(&state, "nothing done", .info)
        return []
    default:
        return []
    }
}

/// Whether `text` is an absolute http(s) URL, the only kind the service fetches audio from.
func isAbsoluteHTTPURL(_ text: String) -> Bool {
    guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else { return false }
    return (scheme == "https" || scheme == "http") && !(components.host ?? "").isEmpty
        && !text.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) } })
}

/// The URL prompt: type the URL, Tab switches GET/POST (announcements), Enter sends, Esc cancels.
func handleURLPromptKey(_ state: inout AppState, _ prompt: URLPrompt, _ key: Key) -> [Effect] {
    var prompt = prompt
    switch key {
    case .escape:
        state.modal = nil
        switch prompt.purpose {
        case .announce: showStatus(&state, "no announcement", .info)
        case .hold(let callSid): showStatus(&state, "\(callSid) not put on hold", .info)
        case .announceParticipant(let callSid): showStatus(&state, "no announcement to \(callSid)", .info)
        }
        return []
    case .tab, .backTab:
        switch prompt.purpose {
        case .announce, .announceParticipant: prompt.method = prompt.method == .post ? .get : .post
        case .hold: break
        }
    case .enter:
        let url = prompt.url.text.trimmingCharacters(in: .whitespaces)
        // A refused URL is said in the prompt, which stays open with what was typed.
        switch prompt.purpose {
        case .announce, .announceParticipant:
            // The same URL rule for the conference and for one caller: the service fetches it.
            guard isAbsoluteHTTPURL(url) else {
                prompt.problem = url.isEmpty
                    ? "type the URL of the audio to play (http:// or https://)"
                    : "not an absolute http(s) URL: the service can only fetch audio from http:// or https://host/…"
                state.modal = .urlPrompt(prompt)
                return []
            }
            state.modal = nil
            guard case .announceParticipant(let callSid) = prompt.purpose else {
                showStatus(&state, "announcing to \(prompt.conferenceName)…", .info)
                return [.announce(conference: prompt.conferenceSid, url: url, method: prompt.method)]
            }
            showStatus(&state, "announcing to \(callSid)…", .info)
            return [
                .announceToParticipant(conference: prompt.conferenceSid, callSid: callSid, url: url, method: prompt.method)
            ]
        case .hold(let callSid):
            guard url.isEmpty || isAbsoluteHTTPURL(url) else {
                prompt.problem = "not an absolute http(s) URL: the service can only fetch music from http:// or https://host/… (empty keeps its own)"
                state.modal = .urlPrompt(prompt)
                return []
            }
            state.modal = nil
            return setHold(&state, conference: prompt.conferenceSid, callSid: callSid, true, holdUrl: url.isEmpty ? nil : url)
        }
    default:
        let before = prompt.url.text
        prompt.url.apply(key)
        if prompt.url.text != before { prompt.problem = nil }
    }
    state.modal = .urlPrompt(prompt)
    return []
}
