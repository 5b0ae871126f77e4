import CompatAPI
import Foundation

/// A live-looking world: on every tick of the injected clock one thing happens, as on a busy
/// platform: a conference starts or ends, somebody joins, leaves, mutes or is put on hold.
extension EmulatorWorld {
    /// Ticks at fixed deadlines (not "interval after the last tick") so virtual time in tests
    /// maps to an exact number of steps.
    func startChurn(every interval: Duration) {
        guard churnTask == nil, interval > .zero else { return }
        let clock = self.clock
        let start = clock.elapsed
        churnTask = Task {
            var tick = 1
            while !Task.isCancelled {
                do {
                    try await clock.sleep(untilElapsed: start + interval * tick)
                } catch {
                    return
                }
                self.churnStep()
                tick += 1
            }
        }
    }

    /// One random change to the world, drawn from the seeded generator.
    public func churnStep() {
        let live = order.filter { conferences[$0]?.status.isLive == true }
        if churnLiveTarget == nil {
            churnLiveTarget = max(4, live.count)
            churnCompletedCap = max(50, order.count - live.count)
        }
        // Starts outnumber ends below the target and ends outnumber starts above it, so the
        // number of live conferences wanders around where it began.
        let (starts, ends) = live.count < churnLiveTarget! ? (0.12, 0.06) : (0.06, 0.12)
        let roll = rng.unit()
        if live.isEmpty || roll < starts {
            startChurnConference()
        } else if roll < starts + ends && live.count > 3 {
            // Everyone hangs up at once.
            complete(conferenceSid: rng.pick(live), reason: .lastLeft)
            forgetOldestCompleted()
        } else {
            changeParticipants(in: rng.pick(live))
        }
        speakingTurns()
    }

    /// Completed conferences beyond the cap leave the world, the longest-ended first (the
    /// service keeps them for good; a demo that runs for days cannot).
    private func forgetOldestCompleted() {
        let completed = order.filter { conferences[$0]?.status == .completed }
        guard completed.count > churnCompletedCap else { return }
        let oldest = completed.sorted {
            (conferences[$0]?.dateUpdated ?? .distantPast) < (conferences[$1]?.dateUpdated ?? .distantPast)
        }.prefix(completed.count - churnCompletedCap)
        let gone = Set(oldest)
        for sid in gone {
            let forgotten = conferences.removeValue(forKey: sid)
            for stream in forgotten?.streams ?? [] { streamOwners.removeValue(forKey: stream.sid) }
            for recording in forgotten?.recordings ?? [] { pendingCompletions.removeValue(forKey: recording.sid)?.cancel() }
            for participant in forgotten?.participants ?? [] { forgetCall(participant.callSid) }
            conferenceEventSequence.removeValue(forKey: sid)
        }
        order.removeAll { gone.contains($0) }
    }

    private func startChurnConference() {
        let waiting = rng.chance(0.2)
        let count = waiting ? 1 : Int.random(in: participantsPerConference, using: &rng)
        let record = makeConference(
            name: SeedCatalog.friendlyName(using: &rng), status: waiting ? .initializing : .inProgress,
            created: now, ended: nil, participantCount: count)
        insert(record)
        announceOpening(record.sid)
    }

    private func changeParticipants(in conferenceSid: String) {
        guard let record = conferences[conferenceSid] else { return }
        let current = now
        let roll = rng.unit()
        if record.participants.isEmpty || roll < 0.3 {
            // A moderator's arrival starts a room that was waiting.
            let starts = record.status == .initializing && rng.chance(0.5)
            let participant = ParticipantRecord(
                callSid: rng.uuid(), status: .inProgress, muted: rng.chance(0.2), hold: false, coaching: false,
                callSidToCoach: nil, startConferenceOnEnter: starts || record.status != .initializing,
                endConferenceOnExit: false, dateCreated: current, dateUpdated: current, sequence: takeSequence())
            join(participant, conferenceSid: conferenceSid, starts: starts)
            return
        }
        let index = Int.random(in: 0..<record.participants.count, using: &rng)
        if roll < 0.5 && record.participants.count > 1 {
            removeParticipant(at: index, from: conferenceSid, kicked: false)
        } else if roll < 0.85 {
            toggle(\.muted, ofParticipantAt: index, in: conferenceSid)
        } else {
            toggle(\.hold, ofParticipantAt: index, in: conferenceSid)
        }
    }
}
