import DashboardCore

/// What the run loop's runtime needs of a session's service layer: one space's
/// (`DashboardServices`) or every space's at once (`SpacesServices`).
public protocol SessionServices: Sendable {
    /// Polls (and follows the store) until the task running it is cancelled.
    func run() async
    /// Carries out one effect off the run loop.
    func perform(_ effect: Effect)
    /// Tells the poller(s) which conferences are in the table's window.
    func show(_ conferences: Set<String>, version: Int)
}

extension DashboardServices: SessionServices {}
