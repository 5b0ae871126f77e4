import Foundation

/// Which API operation a path names. Both prefixes are served (`/api/laml/2010-04-01`, as the
/// docs write it, and `/2010-04-01`, as twilio-based SDKs send it), each with or without
/// `.json`.
enum APIRoute: Equatable {
    case conferences(account: String)
    case conference(account: String, sid: String)
    case participants(account: String, conference: String)
    case participant(account: String, conference: String, callSid: String)
    case streams(account: String, conference: String)
    case stream(account: String, conference: String, sidOrName: String)
    case conferenceRecordings(account: String, conference: String)
    case conferenceRecording(account: String, conference: String, sid: String)
    case calls(account: String)
    case call(account: String, sid: String)
    case callRecordings(account: String, call: String)
    case callRecording(account: String, call: String, sid: String)
    case callStreams(account: String, call: String)
    case callStream(account: String, call: String, sidOrName: String)
    /// The account's recordings (`GET`, with `CallSid`/`ConferenceSid` filters) and one of them
    /// (`DELETE`): the only list of a call's recordings the spec has.
    case recordings(account: String)
    case recording(account: String, sid: String)

    static let prefixes = ["/api/laml/2010-04-01/", "/2010-04-01/"]

    /// True for any path under an API prefix, even one that names no operation.
    static func isAPIPath(_ path: String) -> Bool {
        prefixes.contains { path.hasPrefix($0) }
    }

    /// nil when the path is not one of the API's conference or call paths.
    init?(path: String) {
        guard let prefix = Self.prefixes.first(where: { path.hasPrefix($0) }) else { return nil }
        var rest = String(path.dropFirst(prefix.count))
        while rest.hasSuffix("/") { rest.removeLast() }
        if rest.hasSuffix(".json") { rest.removeLast(".json".count) }
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        guard segments.count >= 3, segments[0] == "Accounts", segments.allSatisfy({ !$0.isEmpty }) else { return nil }
        let account = segments[1]
        if segments[2] == "Calls" {
            guard let route = Self.callRoute(account: account, segments) else { return nil }
            self = route
            return
        }
        if segments[2] == "Recordings" {
            switch segments.count {
            case 3: self = .recordings(account: account)
            case 4: self = .recording(account: account, sid: segments[3])
            default: return nil
            }
            return
        }
        guard segments[2] == "Conferences" else { return nil }
        switch segments.count {
        case 3: self = .conferences(account: account)
        case 4: self = .conference(account: account, sid: segments[3])
        case 5 where segments[4] == "Participants": self = .participants(account: account, conference: segments[3])
        case 5 where segments[4] == "Streams": self = .streams(account: account, conference: segments[3])
        case 6 where segments[4] == "Participants":
            self = .participant(account: account, conference: segments[3], callSid: segments[5])
        case 6 where segments[4] == "Streams":
            self = .stream(account: account, conference: segments[3], sidOrName: segments[5])
        case 5 where segments[4] == "Recordings":
            self = .conferenceRecordings(account: account, conference: segments[3])
        case 6 where segments[4] == "Recordings":
            self = .conferenceRecording(account: account, conference: segments[3], sid: segments[5])
        default: return nil
        }
    }

    /// `Calls`, `Calls/{sid}`, and a call's `Recordings` and `Streams`.
    private static func callRoute(account: String, _ segments: [String]) -> APIRoute? {
        switch segments.count {
        case 3: .calls(account: account)
        case 4: .call(account: account, sid: segments[3])
        case 5 where segments[4] == "Recordings": .callRecordings(account: account, call: segments[3])
        case 5 where segments[4] == "Streams": .callStreams(account: account, call: segments[3])
        case 6 where segments[4] == "Recordings": .callRecording(account: account, call: segments[3], sid: segments[5])
        case 6 where segments[4] == "Streams": .callStream(account: account, call: segments[3], sidOrName: segments[5])
        default: nil
        }
    }

    var account: String {
        switch self {
        case .conferences(let account), .conference(let account, _), .participants(let account, _),
            .participant(let account, _, _), .streams(let account, _), .stream(let account, _, _),
            .conferenceRecordings(let account, _), .conferenceRecording(let account, _, _), .calls(let account),
            .call(let account, _), .callRecordings(let account, _), .callRecording(let account, _, _),
            .callStreams(let account, _), .callStream(let account, _, _), .recordings(let account),
            .recording(let account, _):
            account
        }
    }
}
