import CompatAPI

extension StartStreamForm {
    /// A place the focus can be in the start-stream form, in the order Tab visits them.
    /// Parameter rows are counted from 0; the screen numbers them from 1, like the wire.
    public enum Field: Hashable, Sendable {
        case url, name, track, codec, realTime, callbackURL, callbackMethod, bearerToken
        case parameterName(Int)
        case parameterValue(Int)
        case addParameter, submit, cancel

        /// How the form labels the field, and how messages about it name it.
        public var label: String {
            switch self {
            case .url: "Url"
            case .name: "Name"
            case .track: "Track"
            case .codec: "Codec"
            case .realTime: "Real-time"
            case .callbackURL: "Status callback"
            case .callbackMethod: "Callback method"
            case .bearerToken: "Bearer token"
            case .parameterName(let row): "Parameter \(row + 1) name"
            case .parameterValue(let row): "Parameter \(row + 1) value"
            case .addParameter: "Add parameter"
            case .submit: "Start stream"
            case .cancel: "Cancel"
            }
        }

        /// True for the fields typed into, where editing keys (and Space) are text.
        public var isText: Bool {
            switch self {
            case .url, .name, .callbackURL, .bearerToken, .parameterName, .parameterValue: true
            default: false
            }
        }

        /// True for the fields picked from a few choices (and the real-time toggle): Enter on
        /// one moves on instead of starting the stream.
        public var isChoice: Bool {
            switch self {
            case .track, .codec, .realTime, .callbackMethod: true
            default: false
            }
        }

        /// The parameter row this field belongs to, if any.
        public var parameterRow: Int? {
            switch self {
            case .parameterName(let row), .parameterValue(let row): row
            default: nil
            }
        }

        /// This field after parameter row `removed` is deleted: nil when it was on that row,
        /// one row up when it was below it.
        func afterRemoving(row removed: Int) -> Field? {
            switch self {
            case .parameterName(let row) where row == removed, .parameterValue(let row) where row == removed: nil
            case .parameterName(let row) where row > removed: .parameterName(row - 1)
            case .parameterValue(let row) where row > removed: .parameterValue(row - 1)
            default: self
            }
        }

        /// Where a rule about part of a request shows up in the form.
        init(_ part: StartStreamProblem.Part) {
            switch part {
            case .url: self = .url
            case .name: self = .name
            case .track: self = .track
            case .codec: self = .codec
            case .statusCallback: self = .callbackURL
            case .statusCallbackMethod: self = .callbackMethod
            case .bearerToken: self = .bearerToken
            case .parameters: self = .addParameter
            case .parameterName(let row): self = .parameterName(row)
            case .parameterValue(let row): self = .parameterValue(row)
            }
        }
    }
}
