import Foundation

/// The name `:profile` and `--all-profiles` give to every space of the config file at once.
public let everyProfile = "*"

/// One space of an all-profiles dashboard (`confdash --all-profiles`, `:profile *`) as the
/// header and its rows show it: whether its last poll answered, and whether its profile may
/// change anything.
public struct SpaceHealth: Equatable, Sendable {
    public var name: String
    public var readOnly: Bool
    /// Why its polls fail (the service's words, or why it could not even connect), nil while
    /// it answers.
    public var problem: String?
    /// When it is tried again (nil: never, it could not connect at all).
    public var retryAt: Date?
    /// Failed polls in a row.
    public var attempt: Int
    /// Where this space's stream status callbacks go (this dashboard's receiver, or the
    /// profile's `callback_url` of a team receiver, whose route checks this profile's key).
    public var callbackURL: String?
    /// Seconds between its polls (its profile's `refresh`): a poll in flight for longer than
    /// this is said.
    public var refresh: TimeInterval

    public init(
        name: String, readOnly: Bool, problem: String? = nil, retryAt: Date? = nil, attempt: Int = 0, callbackURL: String? = nil,
        refresh: TimeInterval = 2
    ) {
        self.refresh = refresh
        self.callbackURL = callbackURL
        self.name = name
        self.readOnly = readOnly
        self.problem = problem
        self.retryAt = retryAt
        self.attempt = attempt
    }

    /// Several polls in a row failed, or it could not connect: its rows are out of date.
    public var failing: Bool { problem != nil }
}

extension AppState {
    /// One table across every profile: the SPACE column shows, actions go to each row's space.
    public var everySpace: Bool { !spaces.isEmpty }

    /// The space of the conference a key would act on (the open one, else the selected row).
    public var targetSpace: String? {
        guard everySpace, let row = targetConference(self) else { return nil }
        return spaceOf[row.id]
    }

    /// Whether mutating keys are off here: the whole dashboard is read-only, or the profile of
    /// the conference they would act on is.
    public var readOnlyHere: Bool {
        if readOnly { return true }
        guard everySpace, let name = targetSpace else { return false }
        return space(named: name)?.readOnly ?? false
    }

    /// Whose read-only setting refuses a change here, as a refusal names it.
    var readOnlyOwner: String { readOnly ? "the dashboard" : "profile \(targetSpace ?? "?")" }

    /// The status callback URL a stream started here gets: its space's, on every space at once.
    public var streamCallbackURL: String? {
        guard everySpace else { return callbackURL }
        return targetSpace.flatMap { space(named: $0) }?.callbackURL
    }

    /// The space named `name`, when it is one of this dashboard's.
    public func space(named name: String) -> SpaceHealth? { spaces.first { $0.name == name } }

    /// Whether the conference's rows are from a space whose polls now fail.
    public func spaceFailing(ofConference sid: String) -> Bool {
        guard everySpace, let name = spaceOf[sid] else { return false }
        return space(named: name)?.failing ?? false
    }

    /// When a space's poll started waiting, and from when that counts as late (a refresh
    /// interval past the poll's start): nil for a failing space (which says why instead), while
    /// paused, and on its first poll once it has listed its conferences (thousands of
    /// participants take seconds to read). One that never answered waits from the start.
    func spaceWait(_ space: SpaceHealth) -> (since: Date, lateFrom: Date)? {
        guard !space.failing, poll != .paused else { return nil }
        if let answered = spaceAnsweredAt[space.name] {
            let since = answered.addingTimeInterval(space.refresh)
            return (since, since.addingTimeInterval(space.refresh))
        }
        guard !spacesListing.contains(space.name) else { return nil }
        return (startedAt, startedAt.addingTimeInterval(2 * space.refresh + 1))
    }

    /// How long a space's poll now in flight has waited, once it is late: a space that stops
    /// answering shows at once, not only when its requests time out. One that never answered
    /// counts only once another space has.
    public func spaceOverdue(_ space: SpaceHealth) -> TimeInterval? {
        guard let wait = spaceWait(space), now > wait.lateFrom else { return nil }
        if spaceAnsweredAt[space.name] == nil, lastRefresh == nil { return nil }
        return now.timeIntervalSince(wait.since)
    }

    /// The failing and the slow spaces in words, for the header's problem line.
    var spacesProblem: (text: String, severe: Bool)? {
        var parts: [String] = []
        var severe = false
        for space in spaces {
            if space.failing {
                var words = "space \(space.name): \(space.problem ?? "")"
                if let at = space.retryAt {
                    let seconds = Int(at.timeIntervalSince(now).rounded(.up))
                    words += seconds > 0 ? " (retry in \(seconds)s)" : " (retrying)"
                }
                parts.append(words)
                severe = severe || space.attempt >= offlineAfterAttempts || space.retryAt == nil
            } else if let waited = spaceOverdue(space) {
                parts.append(
                    spaceAnsweredAt[space.name] == nil
                        ? "space \(space.name): no answer yet (\(Int(waited))s)"
                        : "space \(space.name): a refresh has waited \(Int(waited))s for the service's answer")
            }
        }
        return parts.isEmpty ? nil : (parts.joined(separator: "; "), severe)
    }

    /// When a space's poll would first show as late, if no answer comes before it; once late,
    /// each second (the count moves).
    var nextSpaceDeadline: Date? {
        spaces.compactMap { spaceWait($0)?.lateFrom }
            .map { $0 > now ? $0.addingTimeInterval(0.05) : now.addingTimeInterval(1) }
            .min()
    }
}
