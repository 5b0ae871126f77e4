import CompatAPI

/// A short list to choose one thing from (who to coach, how a paused recording sounds): the
/// first row picked, j/k or the arrows move, Enter acts, Esc changes nothing.
public struct Picker: Equatable, Sendable {
    public var title: String
    public var question: String
    public var items: [PickerItem]
    public var selected = 0

    public init(title: String, question: String, items: [PickerItem]) {
        self.title = title
        self.question = question
        self.items = items
    }
}

public struct PickerItem: Equatable, Sendable {
    public var label: String
    public var action: PickedAction

    public init(_ label: String, _ action: PickedAction) {
        self.label = label
        self.action = action
    }
}

/// What a picker's row does when chosen.
public enum PickedAction: Equatable, Sendable {
    case pauseRecording(conference: String, recording: String, PauseBehavior)
    case coach(conference: String, coach: String, callSidToCoach: String)
    /// Pause a call's recording, through the call's endpoint.
    case pauseCallRecording(conference: String, call: String, recording: String, PauseBehavior)
    /// Record a participant's call with these channels and track.
    case recordCall(conference: String, call: String, StartCallRecordingRequest)
    /// Put a saved view on screen.
    case applyView(String)
}

func handlePickerKey(_ state: inout AppState, _ picker: Picker, _ key: Key) -> [Effect] {
    var picker = picker
    switch key {
    case .escape, .character("q"):
        state.modal = nil
        showStatus(&state, "nothing done", .info)
        return []
    case .enter:
        state.modal = nil
        guard picker.items.indices.contains(picker.selected) else { return [] }
        switch picker.items[picker.selected].action {
        case .pauseRecording(let conference, let recording, let behavior):
            showStatus(&state, "pausing recording \(recording) (\(behavior.rawValue))…", .info)
            return [.pauseRecording(conference: conference, recording: recording, behavior)]
        case .coach(let conference, let coach, let coached):
            showStatus(&state, "\(coach) starts coaching \(coached)…", .info)
            return [.coach(conference: conference, coach: coach, callSidToCoach: coached)]
        case .pauseCallRecording(let conference, let call, let recording, let behavior):
            showStatus(&state, "pausing recording \(recording) of call \(call) (\(behavior.rawValue))…", .info)
            return [.updateCallRecording(conference: conference, call: call, recording: recording, .pause(behavior))]
        case .recordCall(let conference, let call, let request):
            showStatus(&state, "starting a recording of call \(call)…", .info)
            return [.recordCall(conference: conference, call: call, request)]
        case .applyView(let name):
            return applyView(&state, name)
        }
    default:
        picker.selected = listCursor(state, key, picker.selected, count: picker.items.count)
        state.modal = .picker(picker)
        return []
    }
}

/// Where a list's cursor goes on `key`: the keymap's moves (down, up, first, last), within
/// `count` rows; anywhere else it stays.
func listCursor(_ state: AppState, _ key: Key, _ selected: Int, count: Int) -> Int {
    switch state.keymap.action(for: key, in: .detail) {
    case .moveDown: min(count - 1, selected + 1)
    case .moveUp: max(0, selected - 1)
    case .top: 0
    case .bottom: max(0, count - 1)
    default: selected
    }
}
