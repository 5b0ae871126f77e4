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
    /// The `:` command line.
    case command(LineEditor)
    /// The `/` filter, applied as it is typed.
    case filter(LineEditor)
}
