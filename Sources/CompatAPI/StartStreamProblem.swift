/// One reason the service would refuse a stream start, tied to the part of the request it is
/// about, so a form can show it under the field the operator has to fix.
public struct StartStreamProblem: Hashable, Sendable {
    /// The part of a stream start a problem is about; parameter indices count from 0.
    public enum Part: Hashable, Sendable {
        case url, name, track, codec, statusCallback, statusCallbackMethod, bearerToken
        /// The list of custom parameters as a whole (too many of them).
        case parameters
        case parameterName(Int)
        case parameterValue(Int)
    }

    public var part: Part
    public var message: String

    public init(_ part: Part, _ message: String) {
        self.part = part
        self.message = message
    }
}
