import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// A poll whose list of live conferences is the one the poll before it carried looks only at the
/// conferences whose participants it read and those events changed since. Whatever events and
/// polls come, and in whatever order, it must leave the state a full comparison of every row
/// leaves.
struct SameListTests {
    /// A small deterministic generator (the same steps on every run).
    struct Steps {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func event(_ kind: ConferenceEvent, _ conference: String, call: String?, sequence: Int, at: Date, muted: Bool? = nil)
        -> ConferenceStatusEvent
    {
        ConferenceStatusEvent(
            accountSid: "AC", conferenceSid: conference, friendlyName: conference, event: kind, sequenceNumber: sequence,
            callSid: call, muted: muted, hold: nil, coaching: false, endConferenceOnExit: false,
            startConferenceOnEnter: true, at: at)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func theSameListLeavesWhatAFullComparisonLeaves(seed: UInt64) {
        let conferences = (0..<40).map { Fixtures.conference("c\($0)", "Conference \($0)") }
        // What the service holds: a poll reads it, events tell of its changes.
        var truth: [String: [Participant]] = [:]
        for (index, c) in conferences.enumerated() {
            truth[c.sid] = (0..<(index % 5)).map { Fixtures.participant("CA\(c.sid)-\($0)", in: c.sid) }
        }
        var fast = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        _ = update(&fast, .pollSucceeded(PollSnapshot(conferences: conferences, participants: truth), at: Fixtures.epoch))
        var full = fast
        var steps = Steps(state: seed)
        var sequence: [String: Int] = [:]
        var joined = 0
        var now = Fixtures.epoch
        for _ in 0..<300 {
            now = now.addingTimeInterval(0.5)
            let sid = "c\(steps.next(conferences.count))"
            switch steps.next(6) {
            case 0, 1:
                // Someone joins or leaves, or is muted, and the service says so at once.
                sequence[sid, default: 0] += 1
                let event: ConferenceStatusEvent
                let people = truth[sid] ?? []
                if people.isEmpty || steps.next(3) == 0 {
                    joined += 1
                    let call = "CAjoin\(joined)"
                    truth[sid, default: []].append(Fixtures.participant(call, in: sid))
                    event = Self.event(.participantJoin, sid, call: call, sequence: sequence[sid]!, at: now)
                } else if steps.next(2) == 0 {
                    let leaving = people[steps.next(people.count)].callSid
                    truth[sid]?.removeAll { $0.callSid == leaving }
                    event = Self.event(.participantLeave, sid, call: leaving, sequence: sequence[sid]!, at: now)
                } else {
                    let index = steps.next(people.count)
                    truth[sid]?[index].muted.toggle()
                    let muted = truth[sid]?[index].muted ?? false
                    event = Self.event(
                        muted ? .participantMute : .participantUnmute, sid, call: people[index].callSid, sequence: sequence[sid]!, at: now,
                        muted: truth[sid]?[index].muted)
                }
                _ = update(&fast, .conferenceEvent(event, at: now))
                _ = update(&full, .conferenceEvent(event, at: now))
            case 2:
                // A change no event tells of (a lost callback): only a read finds it.
                joined += 1
                truth[sid, default: []].append(Fixtures.participant("CAquiet\(joined)", in: sid))
            default:
                // A poll of the same list that read a few conferences' participants; it began a
                // moment ago, so the newest events may not show in it.
                var read: [String: [Participant]] = [:]
                for _ in 0..<(1 + steps.next(6)) {
                    let picked = "c\(steps.next(conferences.count))"
                    read[picked] = truth[picked] ?? []
                }
                var snapshot = PollSnapshot(
                    conferences: conferences, participants: read, startedAt: now.addingTimeInterval(-Double(steps.next(3)) * 0.5))
                snapshot.sameConferences = true
                _ = update(&fast, .pollSucceeded(snapshot, at: now))
                snapshot.sameConferences = false
                _ = update(&full, .pollSucceeded(snapshot, at: now))
            }
            #expect(fast.rows == full.rows)
            #expect(fast.visibleSids == full.visibleSids)
            #expect(fast.liveParticipantCount == full.liveParticipantCount)
            #expect(fast.changedUntil == full.changedUntil)
            #expect(fast.conferenceEvents == full.conferenceEvents)
            if fast.rows != full.rows { return }
        }
    }
}
