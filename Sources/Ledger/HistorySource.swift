/// What caused an entry in a stream's history.
public enum HistorySource: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The service's reply to a start.
    case start
    /// The outcome of a stop request.
    case stop
    /// A status callback from the service.
    case callback
    /// The stream's conference completed.
    case conferenceEnded = "conference-ended"
    /// The operator added the stream by hand.
    case manual

    public var description: String { rawValue }
}
