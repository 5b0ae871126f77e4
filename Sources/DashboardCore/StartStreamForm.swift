import CompatAPI
import Foundation

/// The start-stream form for one conference: what the operator typed, where the focus is, what
/// is wrong with it and whether a start is in flight. Keys go in; a submit or a cancel comes out.
///
/// Validation is `StartStreamRequest.problemsByPart`, the rules the CLI uses too, so a request
/// the form submits always has `problems.isEmpty`.
///
/// ```swift
/// var form = StartStreamForm(conferenceSid: "CF1", conferenceName: "standup")
/// _ = form.apply(.paste("wss://media.example.com/audio"))
/// if case .submit(let request) = form.apply(.enter) { /* send it */ }
/// ```
public struct StartStreamForm: Equatable, Sendable {
    /// What a key did to the form, for the update function to act on.
    public enum Outcome: Equatable, Sendable {
        case none
        /// Start this stream; the form is now `submitting` and takes no more keys until
        /// `submissionFailed` (or until the caller closes it on success).
        case submit(StartStreamRequest)
        /// Close the form; nothing was sent.
        case cancel
    }

    /// The two answers to "discard your changes?"; the harmless one comes first and is the default.
    public enum DiscardChoice: Hashable, Sendable {
        case keepEditing, discard
    }

    /// One key hint for the form's footer.
    public struct Hint: Hashable, Sendable {
        public var keys: [Key]
        public var summary: String
        public init(_ keys: [Key], _ summary: String) {
            self.keys = keys
            self.summary = summary
        }
    }

    /// Longest text each field takes. A 10 KB paste is cut to these, with a warning under the field,
    /// so one stray paste can neither blow up a request nor hang the screen.
    public enum Limits {
        public static let url = 2048
        public static let name = 256
        public static let callbackURL = 2048
        public static let bearerToken = 4096
        public static let parameterName = 256
        public static let parameterValue = 1024
    }

    public static let trackChoices: [StreamTrack] = StreamTrack.known
    /// nil is "let the service choose", the spec states no default codec.
    public static let codecChoices: [StreamCodec?] = [nil] + StreamCodec.known.map { $0 }
    public static let methodChoices: [CallbackMethod] = [.post, .get]

    public let conferenceSid: String
    public let conferenceName: String
    /// The participant's call the stream goes on (`Calls/{CallSid}/Streams`), or nil for a
    /// stream on the whole conference. A call stream takes no codec and no real-time choice, so
    /// the form does not show those fields.
    public let callSid: String?
    /// Who is on that call, as the participants pane names them (nil when not known).
    public let callWho: String?
    /// Names of the streams the ledger knows are open in this conference.
    public let existingNames: Set<String>

    public private(set) var url = LineEditor("", limit: Limits.url)
    public private(set) var name = LineEditor("", limit: Limits.name)
    public private(set) var track: StreamTrack = .both
    public private(set) var codec: StreamCodec?
    public private(set) var realTime = false
    public private(set) var callbackURL: LineEditor
    public private(set) var callbackMethod: CallbackMethod = .post
    public private(set) var bearerToken = MaskedLineEditor(limit: Limits.bearerToken)
    public private(set) var parameters: [StreamParameterRow] = []

    public private(set) var focus: Field = .url
    /// A start is in flight: keys are ignored, so Enter twice starts exactly one stream.
    public private(set) var submitting = false
    /// What the service said when the last start failed, shown at the top of the form.
    public private(set) var serviceError: String?
    /// Non-nil while asking whether to throw away changes; the value is the focused answer.
    public private(set) var confirmingDiscard: DiscardChoice?
    /// A one-off message about the last key (e.g. the parameter limit); cleared by the next key.
    public private(set) var notice: String?
    /// After a submit attempt every error shows, not only those of fields already typed in.
    public private(set) var attemptedSubmit = false

    /// Fields typed in: their errors show at once, the others' wait for a submit attempt, so a
    /// fresh form is not a wall of red.
    private var touched: Set<Field> = []
    /// Warnings about the last edit of a field (text cut at the limit, control characters removed).
    private var editWarnings: [Field: String] = [:]
    private let initialCallbackURL: String

    /// - Parameter callbackURL: the receiver's public URL when the callback receiver is on; the
    ///   status callback is then filled in, so the new stream's status shows live.
    /// - Parameter call: the participant's call to start the stream on (its sid, and who is on
    ///   it when known); nil starts it on the conference.
    public init(
        conferenceSid: String, conferenceName: String, call: (sid: String, who: String?)? = nil,
        existingNames: Set<String> = [], callbackURL: String? = nil
    ) {
        self.conferenceSid = conferenceSid
        self.conferenceName = conferenceName
        self.callSid = call?.sid
        self.callWho = call?.who
        self.existingNames = existingNames
        self.callbackURL = LineEditor(callbackURL ?? "", limit: Limits.callbackURL)
        initialCallbackURL = self.callbackURL.text
    }

    // MARK: what the form says

    /// What the form's box is titled: the conference, or the call (its sid and who is on it).
    public var title: String {
        let conference = conferenceName.isEmpty ? conferenceSid : conferenceName
        guard let callSid else { return "Start a stream on \(conference)" }
        return "Start a stream on call \(callSid)\(callWho.map { " (\($0))" } ?? "") in \(conference)"
    }

    /// The fields above the custom parameters, in order: a call stream's lack the codec and the
    /// real-time choice (`CreateCallStreamRequest` has neither).
    public var fixedFields: [Field] {
        callSid == nil
            ? [.url, .name, .track, .codec, .realTime, .callbackURL, .callbackMethod, .bearerToken]
            : [.url, .name, .track, .callbackURL, .callbackMethod, .bearerToken]
    }

    /// Every place the focus visits, in Tab order.
    public var focusOrder: [Field] {
        var order = fixedFields
        for row in parameters.indices { order += [.parameterName(row), .parameterValue(row)] }
        return order + [.addParameter, .submit, .cancel]
    }

    /// The request exactly as the form would send it, valid or not.
    var draftRequest: StartStreamRequest {
        let callback = callbackURL.text.trimmingCharacters(in: .whitespaces)
        return StartStreamRequest(
            url: url.text.trimmingCharacters(in: .whitespaces),
            name: name.text.isEmpty ? nil : name.text,
            track: track,
            codec: codec,
            // Off sends nothing, like the codec's "service default": the form only asks for what it shows.
            realTime: realTime ? true : nil,
            statusCallback: callback.isEmpty ? nil : callback,
            statusCallbackMethod: callback.isEmpty ? nil : callbackMethod,
            bearerToken: bearerToken.isEmpty ? nil : bearerToken.revealed,
            parameters: parameters.map { StreamParameter(name: $0.name.text, value: $0.value.text) })
    }

    /// True when a status callback URL is filled in; the method is only sent along with one.
    public var sendsStatusCallback: Bool { !callbackURL.text.trimmingCharacters(in: .whitespaces).isEmpty }

    /// The request to send; nil while anything would make the service refuse it.
    public func request() -> StartStreamRequest? {
        let draft = draftRequest
        return draft.problems.isEmpty ? draft : nil
    }

    public var isValid: Bool { request() != nil }

    /// Every problem, by the field it shows under (several for one field are joined by "; ").
    public var allFieldErrors: [Field: String] {
        var messages: [Field: [String]] = [:]
        for problem in draftRequest.problemsByPart { messages[Field(problem.part), default: []].append(problem.message) }
        return messages.mapValues { $0.joined(separator: "; ") }
    }

    /// The errors on screen: those of fields typed in, and all of them after a submit attempt.
    public var fieldErrors: [Field: String] {
        let all = allFieldErrors
        return attemptedSubmit ? all : all.filter { touched.contains($0.key) }
    }

    /// Things that will not stop a submit but that the operator should see.
    public var warnings: [Field: String] {
        var found = editWarnings
        if !name.text.isEmpty, existingNames.contains(name.text) {
            // Only a warning: the ledger can lag behind the service (the stream may have just stopped).
            let place = callSid == nil ? "in this conference" : "on this call"
            let duplicate = "a stream named \"\(name.text)\" is open \(place); the service refuses a duplicate name"
            found[.name] = found[.name].map { "\($0); \(duplicate)" } ?? duplicate
        }
        return found
    }

    /// True when closing would lose something typed or chosen.
    public var isDirty: Bool {
        !url.text.isEmpty || !name.text.isEmpty || track != .both || codec != nil || realTime
            || callbackURL.text != initialCallbackURL || callbackMethod != .post || !bearerToken.isEmpty
            || !parameters.isEmpty
    }

    /// The keys that do something now, most useful first, for the footer of the form.
    public var hints: [Hint] {
        if confirmingDiscard != nil {
            return [Hint([.enter], "choose"), Hint([.tab], "switch"), Hint([.escape], "discard")]
        }
        if submitting { return [] }
        // On a choice Enter takes it and moves on; on a text field or Start it starts the stream.
        let enter = focus.isChoice ? "next field" : focus == .cancel ? "cancel" : focus == .addParameter ? "add" : "start"
        var hints = [Hint([.enter], enter), Hint([.escape], "cancel"), Hint([.tab, .backTab], "move")]
        switch focus {
        case .track, .codec, .callbackMethod: hints.append(Hint([.left, .right, .character(" ")], "change"))
        case .realTime: hints.append(Hint([.character(" ")], "toggle"))
        case .parameterName, .parameterValue: hints.append(Hint([.ctrl("x")], "remove row"))
        default: break
        }
        hints.append(Hint([.ctrl("n")], "add parameter"))
        return hints
    }

    // MARK: keys

    /// Applies one key. `.submit` comes out only for a valid form that is not already submitting.
    public mutating func apply(_ key: Key) -> Outcome {
        // A start is in flight: changing or re-sending the form now could start a second stream.
        if submitting { return .none }
        if let choice = confirmingDiscard { return answerDiscard(key, focused: choice) }
        notice = nil
        switch key {
        case .enter:
            return activate(focus)
        case .escape:
            return cancel()
        case .tab, .down:
            moveFocus(by: 1)
        case .backTab, .up:
            moveFocus(by: -1)
        case .ctrl("n"):
            addParameter()
        case .ctrl("x"):
            removeFocusedParameter()
        default:
            if focus.isText {
                editText(key)
            } else {
                return change(focus, with: key)
            }
        }
        return .none
    }

    /// The start failed: the form takes keys again and shows the service's message at the top.
    public mutating func submissionFailed(_ message: String) {
        submitting = false
        serviceError = message
    }

    /// The start's answer never came: the form takes keys again, with the name it was sent
    /// under filled in, so Enter sends the very same start (which cannot make a second stream).
    public mutating func submissionUnknown(name: String, message: String) {
        submitting = false
        serviceError = message
        if !name.isEmpty { self.name = LineEditor(name, limit: Limits.name) }
    }

    // MARK: key handling

    /// Enter: on a choice (track, codec, real-time, callback method) it keeps what is shown and
    /// moves to the next field, so the operator who picks with Enter does not start the stream
    /// half filled in; Cancel cancels, "Add parameter" adds one, anywhere else starts the stream.
    private mutating func activate(_ field: Field) -> Outcome {
        switch field {
        case .cancel: return cancel()
        case .addParameter:
            addParameter()
            return .none
        case _ where field.isChoice:
            moveFocus(by: 1)
            return .none
        default: return submit()
        }
    }

    private mutating func submit() -> Outcome {
        attemptedSubmit = true
        guard let request = request() else {
            let errors = allFieldErrors
            if let first = focusOrder.first(where: { errors[$0] != nil }) { focus = first }
            notice = errors.count == 1 ? "fix the field marked in red to start the stream" : "fix the \(errors.count) fields marked in red to start the stream"
            return .none
        }
        submitting = true
        serviceError = nil
        return .submit(request)
    }

    private mutating func cancel() -> Outcome {
        guard isDirty else { return .cancel }
        confirmingDiscard = .keepEditing
        return .none
    }

    private mutating func answerDiscard(_ key: Key, focused choice: DiscardChoice) -> Outcome {
        switch key {
        case .escape:
            return .cancel
        case .enter, .character(" "):
            if choice == .discard { return .cancel }
            confirmingDiscard = nil
        case .tab, .backTab, .left, .right:
            confirmingDiscard = choice == .keepEditing ? .discard : .keepEditing
        default:
            break
        }
        return .none
    }

    private mutating func moveFocus(by step: Int) {
        let order = focusOrder
        let index = order.firstIndex(of: focus) ?? 0
        focus = order[(index + step + order.count) % order.count]
    }

    /// Keys on a field that is not typed into: pickers cycle, the toggle flips, buttons press.
    private mutating func change(_ field: Field, with key: Key) -> Outcome {
        let step: Int
        switch key {
        case .left: step = -1
        case .right, .character(" "): step = 1
        default: return .none
        }
        switch field {
        case .track: track = Self.cycled(track, in: Self.trackChoices, by: step)
        case .codec: codec = Self.cycled(codec, in: Self.codecChoices, by: step)
        case .callbackMethod: callbackMethod = Self.cycled(callbackMethod, in: Self.methodChoices, by: step)
        case .realTime where key == .character(" "): realTime.toggle()
        case .submit, .cancel:
            if key == .character(" ") { return activate(field) }
            focus = field == .submit ? .cancel : .submit
        case .addParameter where key == .character(" "): addParameter()
        default: break
        }
        return .none
    }

    private mutating func editText(_ key: Key) {
        let field = focus
        let countBefore = characterCount(of: field)
        let handled: Bool
        switch field {
        case .url: handled = url.apply(key)
        case .name: handled = name.apply(key)
        case .callbackURL: handled = callbackURL.apply(key)
        case .bearerToken: handled = bearerToken.apply(key)
        case .parameterName(let row): handled = parameters[row].name.apply(key)
        case .parameterValue(let row): handled = parameters[row].value.apply(key)
        default: handled = false
        }
        guard handled else { return }
        editWarnings[field] = nil
        if ![Key.left, .right, .home, .end, .ctrl("a"), .ctrl("e")].contains(key) { touched.insert(field) }
        let typed: String
        switch key {
        case .character(let c): typed = String(c)
        case .paste(let text): typed = text
        default: return
        }
        // LineEditor drops control characters and cuts at its limit silently; the operator hears of both.
        var said: [String] = []
        let clean = String(typed.unicodeScalars.filter { $0.properties.generalCategory != .control })
        if let limit = limit(of: field), countBefore + clean.count > limit {
            said.append("\(field.label) is limited to \(limit) characters; the rest was cut")
        }
        if clean.unicodeScalars.count != typed.unicodeScalars.count { said.append("control characters were removed") }
        if !said.isEmpty { editWarnings[field] = said.joined(separator: "; ") }
    }

    private mutating func addParameter() {
        guard parameters.count < StartStreamRequest.maxParameters else {
            notice = "at most \(StartStreamRequest.maxParameters) custom parameters: the service numbers them 1 to \(StartStreamRequest.maxParameters)"
            return
        }
        parameters.append(StreamParameterRow())
        focus = .parameterName(parameters.count - 1)
    }

    private mutating func removeFocusedParameter() {
        guard let row = focus.parameterRow else {
            notice = "C-x removes the parameter row the cursor is on"
            return
        }
        parameters.remove(at: row)
        touched = Set(touched.compactMap { $0.afterRemoving(row: row) })
        editWarnings = Dictionary(
            editWarnings.compactMap { field, text in field.afterRemoving(row: row).map { ($0, text) } },
            uniquingKeysWith: { first, _ in first })
        focus = parameters.isEmpty ? .addParameter : .parameterName(min(row, parameters.count - 1))
    }

    // MARK: pieces

    private func characterCount(of field: Field) -> Int {
        switch field {
        case .url: url.text.count
        case .name: name.text.count
        case .callbackURL: callbackURL.text.count
        case .bearerToken: bearerToken.count
        case .parameterName(let row): parameters[row].name.text.count
        case .parameterValue(let row): parameters[row].value.text.count
        default: 0
        }
    }

    private func limit(of field: Field) -> Int? {
        switch field {
        case .url: Limits.url
        case .name: Limits.name
        case .callbackURL: Limits.callbackURL
        case .bearerToken: Limits.bearerToken
        case .parameterName: Limits.parameterName
        case .parameterValue: Limits.parameterValue
        default: nil
        }
    }

    static func cycled<T: Equatable>(_ value: T, in choices: [T], by step: Int) -> T {
        let index = choices.firstIndex(of: value) ?? 0
        return choices[(index + step % choices.count + choices.count) % choices.count]
    }
}
