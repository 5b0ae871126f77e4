import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Emulator
import Foundation
import Ledger
import Testing

/// Every operator action against the real emulator over loopback: the emulator's world proves
/// it happened, and the ledger's audit trail proves it was recorded.
@Suite struct OperatorActionsTests {
    @Test func endConferenceCompletesItAndIsAudited() async throws {
        try await AuditHarness.run { h in
            let (conference, _) = await h.conference()
            let result = await h.actions.endConference(conference: conference, conferenceName: "Support Bridge")
            #expect(result.outcome == .ok)
            #expect(await h.server.world.conference(sid: conference)?.status == .completed)
            let entry = try #require(try await h.onlyAuditEntry())
            #expect(entry.action == .endConference)
            #expect(entry.conferenceSid == conference)
            #expect(entry.targetSid == nil)
            #expect(entry.outcome == .ok)
            #expect(entry.origin == .dashboard)
            #expect(entry.profile == "ops")
            #expect(entry.accountSid == h.client.credentials.projectID)
            #expect(entry.localUser == AuditEntry.currentLocalUser())
            #expect(entry.parameters == ["status": "completed", "conferenceName": "Support Bridge"])
            #expect(result.audit == entry)
        }
    }

    @Test func endingACompletedConferenceIsAuditedAsRefusedWithTheServiceMessage() async throws {
        try await AuditHarness.run { h in
            let (conference, _) = await h.conference()
            await h.server.world.endConference(sid: conference)
            let result = await h.actions.endConference(conference: conference)
            #expect(result.outcome == .refused)
            #expect(result.message.contains("already completed"))
            #expect(result.message.contains("422"))
            let entry = try #require(try await h.onlyAuditEntry())
            #expect(entry.action == .endConference)
            #expect(entry.outcome == .refused)
            #expect(entry.detail == result.message)
        }
    }

    @Test func announceReachesTheConferenceAndIsAudited() async throws {
        try await AuditHarness.run { h in
            let (conference, _) = await h.conference()
            let url = "https://hooks.example.com/announce.xml"
            let result = await h.actions.announceConference(conference: conference, url: url, method: .get)
            #expect(result.outcome == .ok)
            #expect(await h.server.world.lastAnnouncement(conferenceSid: conference) == url)
            #expect(await h.server.world.conference(sid: conference)?.status == .inProgress)
            let entry = try #require(try await h.onlyAuditEntry())
            #expect(entry.action == .announceConference)
            #expect(entry.parameters == ["announceUrl": url, "announceMethod": "GET"])
            #expect(entry.outcome == .ok)
        }
    }

    @Test func muteAndUnmuteChangeTheParticipantAndAreAudited() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            let call = calls[1]
            let muted = await h.actions.setMuted(conference: conference, call: call, true)
            #expect(muted.outcome == .ok)
            #expect(muted.value?.muted == true)
            #expect(await participant(h, conference, call)?.muted == true)
            let unmuted = await h.actions.setMuted(conference: conference, call: call, false)
            #expect(unmuted.outcome == .ok)
            #expect(await participant(h, conference, call)?.muted == false)
            let entries = try await h.ledger.auditEntries()
            #expect(entries.map(\.action) == [.unmute, .mute])
            #expect(entries.map(\.targetSid) == [call, call])
            #expect(entries.map(\.outcome) == [.ok, .ok])
            #expect(entries.map(\.parameters) == [["muted": "false"], ["muted": "true"]])
        }
    }

    @Test func holdAndUnholdChangeTheParticipantAndAreAudited() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            let call = calls[0]
            let music = "https://hooks.example.com/hold.xml"
            let held = await h.actions.setHold(conference: conference, call: call, true, holdUrl: music)
            #expect(held.outcome == .ok)
            #expect(await participant(h, conference, call)?.hold == true)
            let released = await h.actions.setHold(conference: conference, call: call, false)
            #expect(released.outcome == .ok)
            #expect(await participant(h, conference, call)?.hold == false)
            let entries = try await h.ledger.auditEntries()
            #expect(entries.map(\.action) == [.unhold, .hold])
            #expect(entries.last?.parameters == ["hold": "true", "holdUrl": music])
            #expect(entries.map(\.targetSid) == [call, call])
        }
    }

    @Test func removeTakesTheParticipantOutAndIsAudited() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            let result = await h.actions.removeParticipant(conference: conference, call: calls[2])
            #expect(result.outcome == .ok)
            let left = await h.server.world.participants(conferenceSid: conference).map(\.callSid)
            #expect(left == Array(calls.prefix(2)))
            let entry = try #require(try await h.onlyAuditEntry())
            #expect(entry.action == .removeParticipant)
            #expect(entry.targetSid == calls[2])
            #expect(entry.outcome == .ok)

            // Gone is gone: a second removal is the service's 404, recorded as refused.
            let again = await h.actions.removeParticipant(conference: conference, call: calls[2])
            #expect(again.outcome == .refused)
            #expect(again.message.contains("not found"))
            #expect(try await h.ledger.auditEntries().first?.outcome == .refused)
        }
    }

    @Test func startAndStopStreamAreAuditedWithTheirSettings() async throws {
        try await AuditHarness.run(origin: .cli) { h in
            let (conference, _) = await h.conference()
            let request = StartStreamRequest(
                url: "wss://media.example.com/listen", name: "rec", track: .inbound, codec: .pcmu, realTime: true,
                statusCallback: "https://hooks.example.invalid/streams", statusCallbackMethod: .post,
                parameters: [StreamParameter(name: "room", value: "blue")])
            let started = await h.actions.startStream(conference: conference, conferenceName: "Support Bridge", request)
            #expect(started.outcome == .ok)
            let record = try #require(started.value)
            #expect(record.startedFrom == .cli)
            #expect(await h.server.world.stream(sid: record.sid)?.name == "rec")

            let stopped = await h.actions.stopStream(conference: conference, stream: "rec")
            #expect(stopped.outcome == .ok)
            #expect(await h.server.world.stream(sid: record.sid)?.status == "stopped")

            let entries = try await h.ledger.auditEntries(conferenceSid: conference)
            #expect(entries.map(\.action) == [.stopStream, .startStream])
            #expect(entries.map(\.targetSid) == [record.sid, record.sid])
            #expect(entries.map(\.origin) == [.cli, .cli])
            #expect(
                entries.last?.parameters == [
                    "url": "wss://media.example.com/listen", "conferenceName": "Support Bridge", "name": "rec",
                    "track": "inbound_track", "codec": "PCMU", "realTime": "true",
                    "statusCallback": "https://hooks.example.invalid/streams", "statusCallbackMethod": "POST",
                    "parameter.room": "blue",
                ])
            #expect(entries.first?.parameters == ["name": "rec"])
            // The request behind each: what went to the service, and what it answered.
            let account = h.client.credentials.projectID
            let start = try #require(entries.last?.request)
            // SignalWire's stream paths have no `.json` (the fact sheet, "Streams").
            #expect(start.method == "POST" && start.status == 200, "\(start)")
            #expect(start.path == "/api/laml/2010-04-01/Accounts/\(account)/Conferences/\(conference)/Streams")
            let stop = try #require(entries.first?.request)
            #expect(stop.method == "POST" && stop.status == 200, "\(stop)")
            #expect(stop.path == "/api/laml/2010-04-01/Accounts/\(account)/Conferences/\(conference)/Streams/\(record.sid)")
            #expect(start.milliseconds >= 0 && start.milliseconds < 60_000)
        }
    }

    /// A refusal keeps the status the service gave; a read-only refusal sent nothing and says so.
    @Test func theRequestBehindARefusalAndBehindNothing() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            let call = calls[0]
            await h.server.world.endConference(sid: conference)
            _ = await h.actions.setMuted(conference: conference, call: call, true)
            let entry = try #require(try await h.onlyAuditEntry())
            #expect(entry.outcome == .refused)
            #expect(entry.request?.method == "POST" && entry.request?.status == 422, "\(String(describing: entry.request))")
            #expect(entry.request?.path == "/api/laml/2010-04-01/Accounts/\(h.client.credentials.projectID)/Conferences/\(conference)/Participants/\(call)")
        }
        try await AuditHarness.run(readOnly: true) { h in
            let (conference, calls) = await h.conference()
            _ = await h.actions.setMuted(conference: conference, call: calls[0], true)
            let entry = try #require(try await h.onlyAuditEntry())
            #expect(entry.outcome == .refused && entry.request == nil)
        }
    }

    @Test func aRefusedStartIsAuditedWithTheServiceMessage() async throws {
        try await AuditHarness.run { h in
            let (conference, _) = await h.conference()
            await h.server.world.endConference(sid: conference)
            let result = await h.actions.startStream(
                conference: conference, conferenceName: nil, StartStreamRequest(url: "wss://media.example.com/x"))
            #expect(result.outcome == .refused)
            #expect(result.value == nil)
            let entry = try #require(try await h.onlyAuditEntry())
            #expect(entry.action == .startStream)
            #expect(entry.targetSid == nil)
            #expect(entry.outcome == .refused)
            #expect(entry.detail == result.message)
        }
    }

    @Test func anUnreachableServiceIsAuditedAsFailed() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            // A client pointed at port 1 on loopback, where nothing listens: connection refused.
            // (Not a just-stopped emulator's port: another test's server may bind it again.)
            let nowhere = CompatClient(
                endpoint: try Endpoint("http://127.0.0.1:1/api/laml/2010-04-01"),
                credentials: h.client.credentials, requestTimeout: .seconds(2), logger: AuditHarness.quiet)
            let actions = OperatorActions(client: nowhere, ledger: h.ledger, origin: .cli)
            let result = await actions.setMuted(conference: conference, call: calls[0], true)
            await nowhere.shutdown()
            #expect(result.outcome == .failed)
            #expect(result.message.contains("cannot reach"))
            #expect(try await h.onlyAuditEntry()?.outcome == .failed)
            #expect(await participant(h, conference, calls[0])?.muted == false)
        }
    }
}

func participant(_ h: AuditHarness, _ conference: String, _ call: String) async -> Participant? {
    await h.server.world.participants(conferenceSid: conference).first { $0.callSid == call }
}
