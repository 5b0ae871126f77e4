import CompatAPI

// A mutating key that may not act says why in a notice (`Modal.notice`), not on the status
// line: the notice holds the keyboard until Enter or Esc, so keys typed next for the form or
// prompt the operator expected (`n` then a stream's name) never reach the table behind it.

/// Opens a notice saying why nothing was done.
func refuse(_ state: inout AppState, _ title: String, _ message: String) {
    state.modal = .notice(Notice(title: title, message: message))
}

/// The conference a conference, stream or participant key acts on: the one open, or on the
/// conferences table the one selected.
func targetConference(_ state: AppState) -> ConferenceRow? {
    switch state.screen {
    case .conference: state.openConference
    case .conferences: state.selectedRow
    case .eventLog: nil
    }
}

/// True when `action` is refused because its conference has ended; the notice says so.
func refusedOnEndedConference(_ state: inout AppState, _ action: Action) -> Bool {
    guard let row = targetConference(state), !row.conference.status.isLive else { return false }
    let name = row.conference.friendlyName.isEmpty ? row.id : row.conference.friendlyName
    let why: String
    switch action {
    case .newStream: why = "a stream can only start on a live conference"
    case .stopStream: why = "its streams ended with it"
    case .endConference: why = "there is nothing left to end"
    case .announce: why = "nobody is there to hear an announcement"
    default: why = "nobody is in the call any more"
    }
    refuse(&state, "Conference ended", "\(name) has ended (\(row.conference.status.rawValue)): \(why). Nothing was done.")
    return true
}

/// Read-only mode refuses every mutating key.
func refuseReadOnly(_ state: inout AppState, _ binding: KeyBinding) {
    let owner = state.readOnlyOwner
    refuse(&state, "Read-only", "\(owner.prefix(1).uppercased() + owner.dropFirst()) is read-only: \(binding.summary) is off. Nothing was done.")
}
