import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The question a destructive command asks before it acts, answered only by a person: without
/// a terminal to ask on, the command refuses unless `--yes` said so in advance.
enum Confirmation {
    static func require(_ question: String, yes: Bool) throws {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIError(
                message: "\(question.dropLast()) needs confirmation: run it on a terminal, or pass --yes", status: .usage)
        }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard answer == "y" || answer == "yes" else { throw CLIError(message: "cancelled; nothing was changed") }
    }
}
