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

    public init(
        name: String, readOnly: Bool, problem: String? = nil, retryAt: Date? = nil, attempt: Int = 0, callbackURL: String? = nil
    ) {
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
        guard everySpace, let space = targetSpace else { return false }
        return spaces.first { $0.name == space }?.readOnly ?? false
    }

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

    /// The failing spaces in words, for the header's problem line.
    var spacesProblem: (text: String, severe: Bool)? {
        let failing = spaces.filter(\.failing)
        guard !failing.isEmpty else { return nil }
        let text = failing.map { space in
            var words = "space \(space.name): \(space.problem ?? "")"
            if let at = space.retryAt {
                let seconds = Int(at.timeIntervalSince(now).rounded(.up))
                words += seconds > 0 ? " (retry in \(seconds)s)" : " (retrying)"
            }
            return words
        }
        return (text.joined(separator: "; "), failing.contains { $0.attempt >= offlineAfterAttempts || $0.retryAt == nil })
    }
}
