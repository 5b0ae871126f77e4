import CompatAPI
import DashboardCore
import Foundation

/// Conferences and participants built in code, for tests of the pure core.
public enum Fixtures {
    public static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    public static func conference(
        _ sid: String, _ name: String, status: ConferenceStatus = .inProgress, minutesAgo: Double = 10
    ) -> Conference {
        let created = ServiceDate(epoch.addingTimeInterval(-minutesAgo * 60))
        return Conference(
            sid: sid, accountSid: "AC", friendlyName: name, status: status, region: "us1", dateCreated: created,
            dateUpdated: created, uri: "/c/\(sid)", subresourceUris: SubresourceURIs(participants: "", recordings: ""))
    }

    public static func participant(_ callSid: String, in conference: String, muted: Bool = false) -> Participant {
        Participant(
            callSid: callSid, conferenceSid: conference, accountSid: "AC", status: .inProgress, muted: muted,
            dateCreated: ServiceDate(epoch), dateUpdated: ServiceDate(epoch), uri: "/p/\(callSid)")
    }

    public static func snapshot(_ conferences: [Conference], participants: [String: Int] = [:]) -> PollSnapshot {
        var lists: [String: [Participant]] = [:]
        for c in conferences {
            lists[c.sid] = (0..<(participants[c.sid] ?? 0)).map { participant("CA\(c.sid)-\($0)", in: c.sid) }
        }
        return PollSnapshot(conferences: conferences, participants: lists)
    }

    /// A dashboard that has seen one poll of three conferences.
    public static func loadedState() -> AppState {
        var state = AppState(space: "demo", account: "AC", now: epoch)
        _ = update(
            &state,
            .pollSucceeded(
                snapshot(
                    [
                        conference("c1", "Support Bridge", minutesAgo: 30),
                        conference("c2", "東京 standup", minutesAgo: 5),
                        conference("c3", "Old call", status: .completed, minutesAgo: 90),
                    ], participants: ["c1": 3, "c2": 1]), at: epoch))
        return state
    }
}
