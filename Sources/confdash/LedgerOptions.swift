import ArgumentParser
import Profiles
import Foundation
import Ledger

/// Where the stream ledger is: confdash's state directory unless `--ledger` says otherwise.
struct LedgerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The stream ledger file (default: <state dir>/ledger.sqlite).", valueName: "path"))
    var ledger: String?

    var file: URL {
        if let ledger { return URL(fileURLWithPath: ledger) }
        return StreamLedger.defaultFile(inStateDirectory: StatePaths.stateDirectory())
    }

    /// Opens (or creates) the ledger; failing to is a clear error naming the file.
    func open() throws -> StreamLedger {
        do {
            return try StreamLedger(path: file)
        } catch {
            throw CLIError(message: error.description)
        }
    }
}

/// Runs a ledger operation, turning its failure into one line for the operator.
@discardableResult
func ledgerCall<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as LedgerError {
        throw CLIError(message: error.description)
    }
}
