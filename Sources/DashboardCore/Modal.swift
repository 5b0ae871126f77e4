/// What has the keyboard in front of the screen, if anything. One at a time: each takes every
/// key until it closes, so which one wins is never a question, and the view draws the one there is.
public enum Modal: Equatable, Sendable {
    /// The key list; `scroll` is its first line shown when it is taller than the terminal.
    case help(scroll: Int)
    /// A destructive action's question, Cancel focused.
    case confirmation(Confirmation)
    /// The one-line URL prompt (an announcement, hold music).
    case urlPrompt(URLPrompt)
    /// The start-stream form.
    case startStreamForm(StartStreamForm)
    /// The `:` command line, with Tab completion.
    case command(CommandPrompt)
    /// The `/` filter, applied as it is typed: to the conferences table, or to the pane in front
    /// on a conference's screen.
    case filter(LineEditor)
    /// Why a key did nothing (the conference has ended, the dashboard is read-only). It holds the
    /// keyboard until Enter or Esc, so what was typed next for the form or prompt the key would
    /// have opened never reaches the table behind it.
    case notice(Notice)
    /// A short list to choose one thing from (whom to coach, how a pause sounds).
    case picker(Picker)
    /// `:columns`: the columns of one table, to show, hide and reorder.
    case columns(ColumnChooser)
}

/// A refusal said in a box: the title, and what happened in words for the operator.
public struct Notice: Equatable, Sendable {
    public var title: String
    public var message: String

    public init(title: String, message: String) {
        self.title = title
        self.message = message
    }
}
