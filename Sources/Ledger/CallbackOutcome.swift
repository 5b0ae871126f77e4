/// What a status callback did to the ledger, so the receiver can log it and the screen can say it.
public enum CallbackOutcome: Sendable, Hashable {
    /// A stream the ledger did not know, now recorded in this state.
    case learned(StreamState)
    /// A known stream moved forward.
    case moved(from: StreamState, to: StreamState)
    /// A late or repeated callback: the stream is already at or past what it reports.
    case ignored(current: StreamState)
    /// An event this build does not know; nothing was written.
    case unrecognisedEvent(String)
}
