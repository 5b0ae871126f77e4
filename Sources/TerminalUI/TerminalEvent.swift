import DashboardCore
/// A signal that asks the program to end: C-c, `kill`, or the terminal going away.
public enum TerminalSignal: Hashable, Sendable {
    case interrupt   // SIGINT
    case terminate   // SIGTERM
    case hangup      // SIGHUP, or EOF on stdin (the SSH session or terminal is gone)
}

/// Everything that reaches the UI loop from the terminal, in order, through one AsyncStream.
public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    /// Only after `setMouse(true)`.
    case mouse(MouseEvent)
    case resize(Size)
    case signal(TerminalSignal)
}
