import CompatAPI
import Foundation

// The `:` command line, and the forms and questions commands and keys open.

/// `:q`, `:refresh`, `:filter TEXT` and the rest of `ConsoleCommand.all`.
func runCommand(_ state: inout AppState, _ line: String) -> [Effect] {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    let word = trimmed.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
    let argument = trimmed.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
    guard !word.isEmpty else { return [] }
    guard let command = ConsoleCommand.named(word) else {
        let known = ConsoleCommand.all.filter { !(state.readOnlyHere && $0.mutating) }.map { ":\($0.usage)" }
        showStatus(&state, "unknown command :\(word) (try \(known.joined(separator: ", ")); Tab completes)", .error)
        return []
    }
    if state.readOnlyHere, command.mutating {
        showStatus(&state, "\(state.readOnlyOwner) is read-only: :\(command.name) is off", .warning)
        return []
    }
    switch command.name {
    case "quit":
        state.quitRequested = true
        return [.quit]
    case "refresh":
        return perform(.refresh, &state)
    case "filter":
        // Where `/` would filter: the table, or the pane in front on a conference's screen.
        state.focusedFilter = argument
        if case .conference = state.screen { keepDetailSelectionShown(&state) } else { keepSelectionVisible(&state) }
        showStatus(&state, argument.isEmpty ? "filter cleared" : "filter: \(argument)", .info)
        return []
    case "pause":
        return state.poll == .paused ? [] : perform(.togglePause, &state)
    case "resume":
        return state.poll == .paused ? perform(.togglePause, &state) : []
    case "completed":
        return perform(.toggleCompleted, &state)
    case "help":
        state.modal = .help(scroll: 0)
        return []
    case "profile":
        let others = state.profiles.filter { $0 != state.profile }
        var choices = others.isEmpty ? "no other profiles in the config file" : "others: \(others.joined(separator: ", "))"
        if state.profiles.count > 1, !state.everySpace { choices += "; :profile * shows every one at once" }
        guard !argument.isEmpty else {
            let current = state.everySpace ? "every profile at once (*)" : "profile \(state.profile ?? "(none: flags and environment)")"
            showStatus(&state, "\(current) \u{2014} \(choices)", .info)
            return []
        }
        guard !(argument == everyProfile && state.everySpace) else {
            showStatus(&state, "already showing every profile", .info)
            return []
        }
        guard argument != state.profile else {
            showStatus(&state, "already on profile \(argument)", .info)
            return []
        }
        showStatus(&state, argument == everyProfile ? "opening every profile\u{2026}" : "switching to profile \(argument)\u{2026}", .info)
        return [.switchProfile(argument)]
    case "export":
        guard !argument.isEmpty else {
            showStatus(&state, ":export needs a file path ending in .csv or .json", .error)
            return []
        }
        guard let format = TableExport.format(of: argument) else {
            showStatus(&state, ":export writes .csv or .json: \(argument) is neither; nothing written", .error)
            return []
        }
        guard let table = focusedTable(state) else {
            showStatus(&state, ":export writes a table: the conferences, or a conference's pane in front, not the event log (confdash audit --csv writes that)", .error)
            return []
        }
        let (text, rows) = TableExport.text(of: state, table, as: format)
        showStatus(&state, "writing \(argument)…", .info)
        return [.exportTable(path: argument, text: text, rows: rows, table: table, overwrite: false)]
    case "columns":
        return runColumnsCommand(&state, argument)
    case "view":
        return runViewCommand(&state, argument)
    case "mouse":
        let on: Bool
        switch argument.lowercased() {
        case "": on = !state.mouse
        case "on": on = true
        case "off": on = false
        default:
            showStatus(&state, ":mouse takes on or off, not \(argument)", .error)
            return []
        }
        state.mouse = on
        showStatus(
            &state,
            on ? "mouse on: click a row to pick it (again to open it), the wheel scrolls; :mouse off gives it back to the terminal"
                : "mouse off: the terminal selects text again", .info)
        return [.setMouse(on)]
    case "stream":
        openStartStreamForm(&state)
        return []
    case "stop":
        guard !argument.isEmpty else {
            showStatus(&state, ":stop needs a stream sid or name", .error)
            return []
        }
        guard let conference = state.openConference ?? state.selectedRow else {
            showStatus(&state, "open or select a conference first", .error)
            return []
        }
        let known = (state.streams[conference.id] ?? []).first { $0.sid == argument || $0.name == argument }
        var confirmation = stopConfirmation(conference: conference, stream: known?.sid ?? argument, name: known?.name)
        if known == nil {
            // Said before the yes: a typo is asked of the service and, unknown there too, leaves no trace.
            confirmation.question += " confdash has no stream \(argument) on it: the service will be asked."
        }
        state.modal = .confirmation(confirmation)
        return []
    case "track":
        guard !argument.isEmpty, !argument.contains(" ") else {
            showStatus(&state, ":track needs one stream sid", .error)
            return []
        }
        guard StreamSidShape.isValid(argument) else {
            showStatus(&state, ":track takes a stream sid (\(StreamSidShape.example)), not \(argument)", .error)
            return []
        }
        guard let conference = state.openConference ?? state.selectedRow else {
            showStatus(&state, "open or select a conference first", .error)
            return []
        }
        guard conference.conference.status.isLive else {
            showStatus(&state, "\(conference.conference.friendlyName) is completed: no stream of it can be running", .error)
            return []
        }
        showStatus(&state, "tracking stream \(argument) on \(conference.conference.friendlyName)…", .info)
        return [.trackStream(conference: conference.id, sid: argument)]
    default:
        // A command in the table that the switch above forgot: a bug, said rather than hidden.
        showStatus(&state, ":\(command.name) is listed but does nothing", .error)
        return []
    }
}

/// Opens the start-stream form on the open conference, or the selected one.
/// Whatever refuses it says so in a notice, so the keys typed next for the form reach nothing.
func openStartStreamForm(_ state: inout AppState) {
    if let reason = state.streamsUnavailable {
        refuse(&state, "No streams here", "\(reason). Nothing was done.")
        return
    }
    guard let row = state.openConference ?? state.selectedRow else {
        refuse(&state, "No conference", "No conference is selected to start a stream on. Nothing was done.")
        return
    }
    if refusedOnEndedConference(&state, .newStream) { return }
    // A start whose outcome is unknown is not in the way: sending it again by its name settles it.
    let openNames = Set(
        (state.streams[row.id] ?? []).filter { !$0.status.isTerminal && $0.status != .unknown }.compactMap(\.name))
    state.modal = .startStreamForm(
        StartStreamForm(
            conferenceSid: row.id, conferenceName: row.conference.friendlyName, existingNames: openNames,
            callbackURL: state.streamCallbackURL))
}

/// Whether `n` now starts a stream on the picked participant's call rather than on the
/// conference: on a conference's screen, the participants pane in front, someone picked.
func streamsPickedCall(_ state: AppState) -> Bool {
    guard case .conference = state.screen, state.detailPane == .participants else { return false }
    return state.selectedParticipant != nil
}

/// Opens the start-stream form on the picked participant's call (`Calls/{CallSid}/Streams`):
/// titled with the call and who is on it, without the fields a call stream does not take.
func openCallStreamForm(_ state: inout AppState) {
    if let reason = state.streamsUnavailable {
        refuse(&state, "No streams here", "\(reason). Nothing was done.")
        return
    }
    if refusedOnEndedConference(&state, .newStream) { return }
    guard let (row, participant) = pickedParticipant(&state, .newStream) else { return }
    let call = participant.callSid
    // Names are unique per call: only this call's open streams are in the way.
    let openNames = Set(
        (state.streams[row.id] ?? []).filter { $0.callSid == call && !$0.status.isTerminal && $0.status != .unknown }
            .compactMap(\.name))
    state.modal = .startStreamForm(
        StartStreamForm(
            conferenceSid: row.id, conferenceName: row.conference.friendlyName, call: (sid: call, who: state.calls[call]?.who),
            existingNames: openNames, callbackURL: state.streamCallbackURL))
}

func stopConfirmation(conference: ConferenceRow, stream: String, name: String?) -> Confirmation {
    Confirmation(
        title: "Stop stream",
        question: "Stop stream \(name.map { "\($0) (\(stream))" } ?? stream) on \(conference.conference.friendlyName)?",
        verb: "Stop", action: .stopStream(conference: conference.id, stream: stream))
}
