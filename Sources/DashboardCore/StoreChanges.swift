import Ledger

// The store's change feed names what changed; these apply exactly that to the state, so a burst
// of callbacks on a team's store costs the dashboard the streams it names, not a reload.

/// How many audit entries the event log keeps in memory (the store keeps them all).
let auditEntriesKept = 500

func applyStreamChanges(_ state: inout AppState, changed: [StreamRecord], removed: Set<String>) {
    let gone = removed.union(changed.map(\.sid))
    var touched = Set(changed.map(\.conferenceSid))
    if !gone.isEmpty {
        for (conference, list) in state.streams where list.contains(where: { gone.contains($0.sid) }) {
            state.streams[conference] = list.filter { !gone.contains($0.sid) }
            touched.insert(conference)
        }
    }
    for record in changed {
        state.streams[record.conferenceSid, default: []].append(record)
    }
    for conference in touched {
        // Newest first, as the ledger lists them.
        state.streams[conference]?.sort { $0.startedAt > $1.startedAt }
        if state.streams[conference]?.isEmpty == true { state.streams[conference] = nil }
        let open = state.streams[conference]?.filter { !$0.status.isTerminal }.count ?? 0
        state.rows[conference]?.streamCount = open
    }
    reconcileDetailSelection(&state)
}

func appendAudit(_ state: inout AppState, _ entries: [AuditEntry]) {
    guard !entries.isEmpty else { return }
    let known = Set(state.auditEntries.compactMap(\.id))
    let fresh = entries.filter { entry in entry.id.map { !known.contains($0) } ?? true }
    guard !fresh.isEmpty else { return }
    // The log is newest first; the cursor stays on the entry it was on.
    state.auditEntries = Array((fresh.reversed() + state.auditEntries).prefix(auditEntriesKept))
    if case .eventLog = state.screen, !state.auditEntries.isEmpty {
        state.eventLogCursor = min(state.eventLogCursor + fresh.count, state.auditEntries.count - 1)
    }
}
