import Foundation
import Testing

extension CLIContractEndToEndTests {
    /// Issue 14's CLI commands in the built binary against `confdash emulator` over real HTTP: the
    /// emulator's admin surface says what each did, or that nothing changed.
    ///
    /// Nested in the contract suite, so its runs take turns with those (`.serialized` is inherited)
    /// rather than adding one more emulator and CLI beside the tmux dashboards of the other suites.
    @Suite struct RecordingsCLIEndToEndTests {
        /// The recording `sid` of `conference`, as the emulator's admin surface holds it; nil once deleted.
        static func recording(_ sid: String, of conference: String, in space: Space) throws -> [String: Any]? {
            let all = try space.admin("GET", "conferences/\(conference)/recordings") as? [[String: Any]] ?? []
            return all.first { $0["sid"] as? String == sid }
        }

        @Test func deleteRefusesWithoutYesWhenThereIsNoTerminalAndDeletesWithIt() async throws {
            let space = try await Space.start("rec-delete")
            defer { space.stop() }
            let conference = try space.conference("Recorded Bridge")
            let sid = try #require(
                (try space.admin("POST", "conferences/\(conference)/recordings") as? [String: Any])?["sid"] as? String)

            // stdin is /dev/null: nobody to ask, so nothing is sent and the usage status says why.
            let refused = try space.run(["recordings", "delete", conference, sid])
            #expect(refused.status == 2, "\(refused)")
            #expect(refused.stderr.contains("Delete recording \(sid) of conference \(conference)"), "\(refused)")
            #expect(refused.stderr.contains("cannot be undone"), "\(refused)")
            #expect(refused.stderr.contains("pass --yes"), "\(refused)")
            #expect(refused.stdout.isEmpty, "\(refused)")
            #expect(try Self.recording(sid, of: conference, in: space)?["status"] as? String == "in-progress")
            let requests = try space.admin("GET", "requests") as? [[String: Any]] ?? []
            #expect(!requests.contains { $0["method"] as? String == "DELETE" }, "\(requests)")
            let audit = try space.run(["audit", "--json"])
            #expect((try audit.json() as? [Any])?.isEmpty == true, "nothing was asked of the service: \(audit)")

            let deleted = try space.run(["recordings", "delete", conference, sid, "--yes"])
            #expect(deleted.status == 0, "\(deleted)")
            #expect(deleted.stdout == "Deleted recording \(sid) of \(conference)\n", "\(deleted)")
            #expect(try Self.recording(sid, of: conference, in: space) == nil)

            // Gone is gone: the service's 404 is exit 4.
            let again = try space.run(["recordings", "delete", conference, sid, "--yes"])
            #expect(again.status == 4, "\(again)")
            #expect(again.stderr.hasPrefix("confdash: not found"), "\(again)")
        }

        @Test func pauseAndResumeShowInTheListAndAtTheService() async throws {
            let space = try await Space.start("rec-pause")
            defer { space.stop() }
            let conference = try space.conference("Paused Bridge")
            let sid = try #require(
                (try space.admin("POST", "conferences/\(conference)/recordings") as? [String: Any])?["sid"] as? String)
            let paused = try space.run(["recordings", "pause", conference, sid, "--pause-behavior", "silence"])
            #expect(paused.status == 0, "\(paused)")
            #expect(paused.stdout == "Paused recording \(sid) (silence)\n", "\(paused)")
            let there = try Self.recording(sid, of: conference, in: space)
            #expect(there?["status"] as? String == "paused")
            #expect(there?["pauseBehavior"] as? String == "silence")
            let table = try space.run(["recordings", "list", conference])
            #expect(table.status == 0, "\(table)")
            let row = table.stdout.split(separator: "\n").first { $0.hasPrefix(sid) }
            #expect(row?.contains("paused") == true, "\(table)")
            #expect(table.stdout.hasPrefix("RECORDING SID"), "\(table)")

            let bad = try space.run(["recordings", "pause", conference, sid, "--pause-behavior", "loud"])
            #expect(bad.status == 2, "\(bad)")
            #expect(bad.stderr.contains("--pause-behavior must be skip or silence (got loud)"), "\(bad)")

            let resumed = try space.run(["recordings", "resume", conference, sid])
            #expect(resumed.status == 0, "\(resumed)")
            #expect(try Self.recording(sid, of: conference, in: space)?["status"] as? String == "in-progress")

            // Pausing a stopped recording: the service's refusal in its own words, exit 5.
            #expect(try space.run(["recordings", "stop", conference, sid]).status == 0)
            let late = try space.run(["recordings", "pause", conference, sid])
            #expect(late.status == 5, "\(late)")
            #expect(late.stderr.contains("cannot be paused"), "\(late)")
        }

        @Test func coachShowsInTheEmulatorsAdminState() async throws {
            let space = try await Space.start("coach")
            defer { space.stop() }
            let conference = try space.conference("Coached Bridge")
            let participants = try #require(try space.run(["participants", "list", conference, "--json"]).json() as? [[String: Any]])
            let calls = participants.compactMap { $0["call_sid"] as? String }
            #expect(calls.count == 3)

            let coached = try space.run(["participants", "coach", conference, calls[0], "--call-to-coach", calls[1]])
            #expect(coached.status == 0, "\(coached)")
            #expect(coached.stdout == "\(calls[0]) now coaches \(calls[1])\n", "\(coached)")
            let coach = try space.admin("GET", "conferences/\(conference)/participants/\(calls[0])") as? [String: Any]
            #expect(coach?["coaching"] as? Bool == true)
            #expect(coach?["callSidToCoach"] as? String == calls[1])
            let pupil = try space.admin("GET", "conferences/\(conference)/participants/\(calls[1])") as? [String: Any]
            #expect(pupil?["coachedBy"] as? [String] == [calls[0]])

            // A call from another conference: the service's 16002, in its words, exit 5; nothing changes.
            let other = try space.conference("Other Bridge", participants: 1)
            let stranger = try #require(
                (try space.run(["participants", "list", other, "--json"]).json() as? [[String: Any]])?.first?["call_sid"]
                    as? String)
            let refused = try space.run(["participants", "coach", conference, calls[2], "--call-to-coach", stranger])
            #expect(refused.status == 5, "\(refused)")
            #expect(refused.stderr.contains("not a participant in conference"), "\(refused)")
            #expect(refused.stderr.contains("[code 16002]"), "\(refused)")
            let unchanged = try space.admin("GET", "conferences/\(conference)/participants/\(calls[2])") as? [String: Any]
            #expect(unchanged?["coaching"] as? Bool == false)

            let ended = try space.run(["participants", "stop-coaching", conference, calls[0]])
            #expect(ended.status == 0, "\(ended)")
            let after = try space.admin("GET", "conferences/\(conference)/participants/\(calls[0])") as? [String: Any]
            #expect(after?["coaching"] as? Bool == false)
        }

        @Test func aCallStreamStartsOnTheCallAndACodecIsAUsageError() async throws {
            let space = try await Space.start("call-stream")
            defer { space.stop() }
            let conference = try space.conference("Streamed Bridge", participants: 2)
            let calls = try #require(try space.run(["participants", "list", conference, "--json"]).json() as? [[String: Any]])
                .compactMap { $0["call_sid"] as? String }

            let withCodec = try space.run(
                ["streams", "start", conference, "--url", "wss://media.example.com/x", "--call", calls[0], "--codec", "PCMU"])
            #expect(withCodec.status == 2, "\(withCodec)")
            #expect(withCodec.stderr.contains("--codec cannot be used with --call"), "\(withCodec)")
            #expect((try space.admin("GET", "calls/\(calls[0])/streams") as? [Any])?.isEmpty == true)

            let started = try space.run(
                ["streams", "start", conference, "--url", "wss://media.example.com/x", "--call", calls[0], "--name", "leg"])
            #expect(started.status == 0, "\(started)")
            let streams = try #require(try space.admin("GET", "calls/\(calls[0])/streams") as? [[String: Any]])
            #expect(streams.map { $0["name"] as? String } == ["leg"])
            let sid = try #require(streams.first?["sid"] as? String)
            #expect(started.stdout.contains("Started stream \(sid) (leg) on call \(calls[0]) of \(conference)"), "\(started)")

            let stopped = try space.run(["streams", "stop", conference, "leg"])
            #expect(stopped.status == 0, "\(stopped)")
            let after = try #require(try space.admin("GET", "calls/\(calls[0])/streams") as? [[String: Any]])
            #expect(after.first?["status"] as? String == "stopped")
            let listed = try #require(try space.run(["streams", "list", "--json"]).json() as? [[String: Any]])
            #expect(listed.first?["call_sid"] as? String == calls[0])
            #expect(listed.first?["status"] as? String == "stopped")
        }
    }
}
