import Profiles
import Foundation
import Logging
import Synchronization

/// Sends swift-log output to `$XDG_STATE_HOME/confdash/confdash.log`: never to the terminal,
/// where curses owns the screen and scripts read stdout.
enum LogSetup {
    private static let done = Mutex(false)

    /// Safe to call more than once; only the first call bootstraps.
    static func toFile() {
        let first = done.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let level: Logger.Level =
            ProcessInfo.processInfo.environment["CONFDASH_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap(FileLogHandler.factory(file: StatePaths.logFile(), level: level))
    }
}
