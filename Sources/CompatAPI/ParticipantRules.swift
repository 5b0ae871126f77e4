/// The service's rules for a participant update, checked before sending (as
/// `StartStreamRequest.problems` does for streams): coaching needs the call to coach, and the
/// URLs the service fetches must be absolute http(s).
extension ParticipantUpdate {
    /// Coach `callSidToCoach`: the coach hears both, only the coached call hears the coach.
    public static func coach(_ callSidToCoach: String) -> ParticipantUpdate {
        ParticipantUpdate(coaching: true, callSidToCoach: callSidToCoach)
    }

    /// Ends coaching: the participant is heard by everybody again.
    public static let stopCoaching = ParticipantUpdate(coaching: false)

    /// Plays `url` (TwiML/cXML or audio) to this participant alone.
    public static func announce(_ url: String, method: CallbackMethod? = nil) -> ParticipantUpdate {
        ParticipantUpdate(announceUrl: url, announceMethod: method)
    }

    /// One message per problem; empty when the update can be sent.
    public var problems: [String] {
        var found: [String] = []
        if let callSidToCoach, let problem = RequestRules.sidProblem("CallSidToCoach", callSidToCoach) {
            found.append(problem)
        }
        if coaching == true, callSidToCoach == nil {
            found.append("Coaching needs CallSidToCoach: the call to coach")
        }
        for (key, url) in [("HoldUrl", holdUrl), ("AnnounceUrl", announceUrl), ("WaitUrl", waitUrl)] {
            if let url, let problem = RequestRules.callbackProblem(key, url) { found.append(problem) }
        }
        for (key, method) in [("HoldMethod", holdMethod), ("AnnounceMethod", announceMethod), ("WaitMethod", waitMethod)] {
            if let method, !method.isKnown { found.append("\(key) must be GET or POST") }
        }
        return found
    }
}
