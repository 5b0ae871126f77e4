/// Carries out the effects `update` returns, off the UI, and posts what comes of them back as
/// messages. The run loop holds one and never waits on it: the screen cannot freeze on I/O.
public protocol EffectHandler: Sendable {
    /// Starts polling and following the ledger.
    func start()
    /// Carries out one effect; `.quit` and `.copyToClipboard` are the run loop's own.
    func perform(_ effect: Effect)
    /// The conferences in the table's window (numbered, newest wins): the ones kept freshest.
    func show(_ conferences: Set<String>, version: Int)
    /// Stops everything and closes what is held open (clients, connections).
    func close() async
}
