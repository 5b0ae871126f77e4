import CompatAPI
import Foundation
import Ledger

/// A verified stream status callback and what it did to the ledger, for the screen to show.
public struct ReceivedStreamEvent: Sendable, Hashable {
    public var streamSid: String
    public var conferenceSid: String
    /// The stream's name when the service sent one other than the sid.
    public var streamName: String?
    /// `stream-started`, `stream-stopped`, `stream-error`, or one this build does not know.
    public var event: StreamEvent
    /// The service's `StreamError`, on `stream-error` only.
    public var reason: String?
    /// What the ledger made of it: learned, moved, ignored as late or repeated, or unrecognised.
    public var outcome: CallbackOutcome
    /// When the service says it happened (its `Timestamp`, or when it arrived).
    public var at: Date

    public init(
        streamSid: String, conferenceSid: String, streamName: String?, event: StreamEvent, reason: String?,
        outcome: CallbackOutcome, at: Date
    ) {
        self.streamSid = streamSid
        self.conferenceSid = conferenceSid
        self.streamName = streamName
        self.event = event
        self.reason = reason
        self.outcome = outcome
        self.at = at
    }

    /// The state the ledger holds for the stream now; nil when the event was not understood.
    public var state: StreamState? {
        switch outcome {
        case .learned(let state), .moved(_, let state), .ignored(let state): state
        case .unrecognisedEvent: nil
        }
    }

    /// Whether the ledger changed, so the screen has something new to show.
    public var changedLedger: Bool {
        switch outcome {
        case .learned, .moved: true
        case .ignored, .unrecognisedEvent: false
        }
    }
}
