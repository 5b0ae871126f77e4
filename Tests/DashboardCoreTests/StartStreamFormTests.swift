import CompatAPI
@testable import DashboardCore
import Testing

/// One row of the validation table: keys typed into a fresh form, and what the operator then sees
/// under one field.
struct FormInputCase: Sendable, CustomTestStringConvertible {
    var name: String
    var keys: [Key]
    var field: StartStreamForm.Field
    /// The exact error shown under `field`; nil when the input is accepted.
    var error: String?
    /// Text the warning under `field` contains; nil when there is none.
    var warning: String?
    /// What the field holds afterwards, when the case is about what was kept.
    var text: String?
    var textLength: Int?

    var testDescription: String { name }
}

@Suite struct StartStreamFormTests {
    static let validURL = "wss://media.example.com/audio"
    static let tenKB = String(repeating: "a", count: 10_240)
    /// Tabs from Url to the bearer token: name, track, codec, real-time, callback, method, token.
    static let toToken = [Key](repeating: .tab, count: 7)

    static func form(existingNames: Set<String> = ["recorder"], callbackURL: String? = nil) -> StartStreamForm {
        StartStreamForm(
            conferenceSid: "CF0001", conferenceName: "standup", existingNames: existingNames, callbackURL: callbackURL)
    }

    static func text(of field: StartStreamForm.Field, in form: StartStreamForm) -> String? {
        switch field {
        case .url: form.url.text
        case .name: form.name.text
        case .callbackURL: form.callbackURL.text
        case .bearerToken: form.bearerToken.revealed
        case .parameterName(let row): form.parameters[row].name.text
        case .parameterValue(let row): form.parameters[row].value.text
        default: nil
        }
    }

    static let inputs: [FormInputCase] = [
        FormInputCase(
            name: "ws:// is refused", keys: [.paste("ws://media.example.com/audio")], field: .url,
            error: "Url must use wss:// (the service refuses unencrypted ws://)"),
        FormInputCase(
            name: "a relative URL", keys: [.paste("/media/audio")], field: .url,
            error: "Url must be an absolute wss:// URL"),
        FormInputCase(
            name: "an https URL", keys: [.paste("https://media.example.com/audio")], field: .url,
            error: "Url must be a wss:// URL (got https://)"),
        FormInputCase(
            name: "a query string", keys: [.paste("wss://media.example.com/audio?call=1")], field: .url,
            error: "Url must not have a query string (use custom parameters)"),
        FormInputCase(name: "an empty URL, on submit", keys: [.enter], field: .url, error: "Url is required"),
        FormInputCase(
            name: "control characters are stripped", keys: [.paste("wss://media.example.com/\u{1B}[2Jaudio\r\n")],
            field: .url, warning: "control characters were removed", text: "wss://media.example.com/[2Jaudio"),
        FormInputCase(
            name: "a 10 KB paste is cut to the limit", keys: [.paste(validURL + "/" + tenKB)], field: .url,
            warning: "Url is limited to 2048 characters; the rest was cut", textLength: 2048),
        FormInputCase(
            name: "non-ASCII name is accepted", keys: [.paste(validURL), .tab, .paste("Café 会議 🎧")], field: .name,
            text: "Café 会議 🎧"),
        FormInputCase(
            name: "the name of an open stream warns", keys: [.paste(validURL), .tab, .paste("recorder")], field: .name,
            warning: "a stream named \"recorder\" is open in this conference"),
        FormInputCase(
            name: "an empty parameter name, on submit", keys: [.paste(validURL), .ctrl("n"), .tab, .paste("v"), .enter],
            field: .parameterName(0), error: "parameter 1: the name must not be empty"),
        FormInputCase(
            name: "duplicate parameter names",
            keys: [.paste(validURL), .ctrl("n"), .paste("call"), .ctrl("n"), .paste("call")],
            field: .parameterName(1), error: "parameter 2: the name call is used twice"),
        FormInputCase(
            name: "a 10 KB parameter value is cut", keys: [.paste(validURL), .ctrl("n"), .paste("k"), .tab, .paste(tenKB)],
            field: .parameterValue(0), warning: "Parameter 1 value is limited to 1024 characters; the rest was cut",
            textLength: 1024),
        FormInputCase(
            name: "a 10 KB parameter name is cut", keys: [.paste(validURL), .ctrl("n"), .paste(tenKB)],
            field: .parameterName(0), warning: "Parameter 1 name is limited to 256 characters", textLength: 256),
        FormInputCase(
            name: "non-ASCII parameter value is accepted",
            keys: [.paste(validURL), .ctrl("n"), .paste("région"), .tab, .paste("東京 ✓")], field: .parameterValue(0),
            text: "東京 ✓"),
        FormInputCase(
            name: "control characters in the token are stripped",
            keys: [.paste(validURL)] + toToken + [.paste("abc\u{07}def\n")], field: .bearerToken,
            warning: "control characters were removed", text: "abcdef"),
        FormInputCase(
            name: "a status callback that is not http(s)",
            keys: [.paste(validURL), .tab, .tab, .tab, .tab, .tab, .paste("ftp://hooks.example.com/cb")],
            field: .callbackURL, error: "StatusCallback must be an absolute http(s) URL"),
    ]

    @Test(arguments: inputs)
    func validationTable(_ input: FormInputCase) {
        var form = Self.form()
        for key in input.keys { _ = form.apply(key) }
        #expect(form.fieldErrors[input.field] == input.error)
        if let warning = input.warning {
            #expect(form.warnings[input.field]?.contains(warning) == true, "\(form.warnings)")
        } else {
            #expect(form.warnings[input.field] == nil)
        }
        if let text = input.text { #expect(Self.text(of: input.field, in: form) == text) }
        if let length = input.textLength { #expect(Self.text(of: input.field, in: form)?.count == length) }
        if input.error == nil {
            #expect(form.request()?.problems == [])
        } else {
            #expect(form.request() == nil)
        }
    }

    @Test func errorsWaitUntilAFieldIsTypedInOrASubmitIsTried() {
        var form = Self.form()
        #expect(form.fieldErrors.isEmpty)
        #expect(form.allFieldErrors[.url] == "Url is required")
        #expect(form.apply(.enter) == .none)
        #expect(form.fieldErrors[.url] == "Url is required")
        #expect(form.notice?.contains("fix the field") == true)
    }

    @Test func theHundredthParameterCannotBeAdded() {
        var form = Self.form()
        _ = form.apply(.paste(Self.validURL))
        for index in 1...99 {
            _ = form.apply(.ctrl("n"))
            _ = form.apply(.paste("p\(index)"))
        }
        #expect(form.parameters.count == 99)
        #expect(form.notice == nil)
        _ = form.apply(.ctrl("n"))
        #expect(form.parameters.count == 99)
        #expect(form.notice == "at most 99 custom parameters: the service numbers them 1 to 99")
        let request = form.request()
        #expect(request?.parameters.count == 99)
        #expect(request?.problems == [])
    }

    @Test func tabAndShiftTabVisitEveryFieldInOrder() {
        var form = Self.form()
        _ = form.apply(.ctrl("n"))
        while form.focus != .url { _ = form.apply(.tab) }
        var visited: [StartStreamForm.Field] = []
        for _ in 0..<13 {
            _ = form.apply(.tab)
            visited.append(form.focus)
        }
        #expect(
            visited == [
                .name, .track, .codec, .realTime, .callbackURL, .callbackMethod, .bearerToken, .parameterName(0),
                .parameterValue(0), .addParameter, .submit, .cancel, .url,
            ])
        var back: [StartStreamForm.Field] = []
        for _ in 0..<13 {
            _ = form.apply(.backTab)
            back.append(form.focus)
        }
        #expect(back == Array(visited.dropLast().reversed()) + [.url])
        _ = form.apply(.down)
        #expect(form.focus == .name)
        _ = form.apply(.up)
        #expect(form.focus == .url)
    }

    @Test func enterTwiceStartsExactlyOneStream() {
        var form = Self.form()
        _ = form.apply(.paste(Self.validURL))
        let outcomes = [form.apply(.enter), form.apply(.enter)]
        #expect(outcomes == [.submit(StartStreamRequest(url: Self.validURL, track: .both)), .none])
        #expect(form.submitting)
        // Nothing typed while the start is in flight changes what was sent.
        _ = form.apply(.paste("x"))
        #expect(form.url.text == Self.validURL)
    }

    @Test func aFailedStartReEnablesSubmitAndShowsTheServiceMessage() {
        var form = Self.form()
        _ = form.apply(.paste(Self.validURL))
        guard case .submit = form.apply(.enter) else {
            Issue.record("a valid form did not submit")
            return
        }
        form.submissionFailed("Duplicated stream name")
        #expect(!form.submitting)
        #expect(form.serviceError == "Duplicated stream name")
        _ = form.apply(.tab)
        _ = form.apply(.paste("second"))
        #expect(form.apply(.enter) == .submit(StartStreamRequest(url: Self.validURL, name: "second", track: .both)))
        #expect(form.serviceError == nil)
    }

    @Test func escapeOnACleanFormCancelsAtOnce() {
        var form = Self.form(callbackURL: "https://hooks.example.com/streams")
        #expect(!form.isDirty)
        #expect(form.apply(.escape) == .cancel)
    }

    @Test func escapeOnAChangedFormAsksFirstWithKeepEditingFocused() {
        var form = Self.form()
        _ = form.apply(.paste("wss://half"))
        #expect(form.apply(.escape) == .none)
        #expect(form.confirmingDiscard == .keepEditing)
        #expect(form.apply(.enter) == .none)
        #expect(form.confirmingDiscard == nil)
        #expect(form.url.text == "wss://half")

        #expect(form.apply(.escape) == .none)
        #expect(form.apply(.tab) == .none)
        #expect(form.confirmingDiscard == .discard)
        #expect(form.apply(.enter) == .cancel)

        var again = Self.form()
        _ = again.apply(.tab)
        _ = again.apply(.tab)
        _ = again.apply(.right)                 // a picker change counts as a change too
        #expect(again.apply(.escape) == .none)
        #expect(again.apply(.escape) == .cancel)
    }

    @Test func theRequestCarriesEveryField() {
        var form = Self.form(callbackURL: "https://hooks.example.com/streams")
        let keys: [Key] = [
            .paste(Self.validURL), .tab,
            .paste("transcriber"), .tab,
            .right, .tab,                       // track: inbound_track
            .right, .right, .tab,               // codec: PCMA
            .character(" "), .tab,              // real-time on
            .tab,                               // callback URL prefilled
            .character(" "), .tab,              // method: GET
            .paste("tok-SECRET-42"),
            .ctrl("n"), .paste("call"), .tab, .paste("42"),
            .ctrl("n"), .paste("lang"), .tab, .paste("fr"),
        ]
        for key in keys { _ = form.apply(key) }
        let expected = StartStreamRequest(
            url: Self.validURL, name: "transcriber", track: .inbound, codec: .pcma, realTime: true,
            statusCallback: "https://hooks.example.com/streams", statusCallbackMethod: .get,
            bearerToken: "tok-SECRET-42",
            parameters: [StreamParameter(name: "call", value: "42"), StreamParameter(name: "lang", value: "fr")])
        #expect(form.apply(.enter) == .submit(expected))
        #expect(expected.problems.isEmpty)
        #expect(
            expected.formFields.suffix(4).map { "\($0.0)=\($0.1)" }
                == ["Parameter1.Name=call", "Parameter1.Value=42", "Parameter2.Name=lang", "Parameter2.Value=fr"])
    }

    @Test func choicesCycleBothWaysAndWrap() {
        var form = Self.form()
        _ = form.apply(.tab)
        _ = form.apply(.tab)
        #expect(form.focus == .track)
        _ = form.apply(.left)
        #expect(form.track == .outbound)
        _ = form.apply(.character(" "))
        #expect(form.track == .both)
        _ = form.apply(.tab)
        _ = form.apply(.left)
        #expect(form.codec == .l16At24k)
        _ = form.apply(.right)
        #expect(form.codec == nil)
    }

    @Test func withoutACallbackURLNoMethodIsSent() {
        var form = Self.form()
        _ = form.apply(.paste(Self.validURL))
        #expect(form.request() == StartStreamRequest(url: Self.validURL, track: .both))
    }

    @Test func editingKeysGoToTheFocusedField() {
        var form = Self.form()
        _ = form.apply(.tab)
        for key: Key in [.paste("audio copy"), .ctrl("w"), .home, .delete, .end, .backspace, .left, .character("X")] {
            _ = form.apply(key)
        }
        #expect(form.name.text == "udiXo")
        #expect(form.url.text == "")
        _ = form.apply(.ctrl("u"))
        #expect(form.name.text == "o")
    }

    @Test func removingAParameterRowKeepsTheOthersInOrder() {
        var form = Self.form()
        _ = form.apply(.paste(Self.validURL))
        for name in ["a", "b", "c"] {
            _ = form.apply(.ctrl("n"))
            _ = form.apply(.paste(name))
        }
        _ = form.apply(.backTab)
        #expect(form.focus == .parameterValue(1))
        _ = form.apply(.ctrl("x"))
        #expect(form.parameters.map(\.name.text) == ["a", "c"])
        #expect(form.focus == .parameterName(1))
        _ = form.apply(.ctrl("x"))
        _ = form.apply(.ctrl("x"))
        #expect(form.parameters.isEmpty)
        #expect(form.focus == .addParameter)
        _ = form.apply(.ctrl("x"))
        #expect(form.notice == "C-x removes the parameter row the cursor is on")
        _ = form.apply(.enter)                  // Enter on "Add parameter" adds one
        #expect(form.parameters.count == 1)
    }

    @Test func anInvalidSubmitMovesTheFocusToTheFirstError() {
        var form = Self.form()
        _ = form.apply(.paste(Self.validURL))
        _ = form.apply(.ctrl("n"))
        while form.focus != .submit { _ = form.apply(.tab) }
        #expect(form.apply(.enter) == .none)
        #expect(form.focus == .parameterName(0))
        #expect(!form.submitting)
    }

    @Test func enterOnCancelCancels() {
        var form = Self.form()
        while form.focus != .cancel { _ = form.apply(.tab) }
        #expect(form.apply(.enter) == .cancel)
    }

    @Test func theTokenNeverShowsInDescriptionsOrDumps() {
        var form = Self.form()
        _ = form.apply(.paste(Self.validURL))
        for key in Self.toToken { _ = form.apply(key) }
        _ = form.apply(.paste("tok-SECRET-42"))
        var dumped = ""
        dump(form, to: &dumped)
        let texts = [String(describing: form), String(reflecting: form), "\(form)", dumped, String(describing: form.request())]
        for text in texts { #expect(!text.contains("SECRET"), "\(text)") }
        #expect(dumped.contains("<redacted>"))
        #expect(form.request()?.bearerToken == "tok-SECRET-42")
    }
}

/// Enter on a choice picks what it shows and moves on; it never starts the stream.
struct StartStreamFormPickerEnterTests {
    static let validURL = "wss://media.example.com/in"

    @Test(arguments: [StartStreamForm.Field.track, .codec, .realTime, .callbackMethod])
    func enterOnAChoiceMovesToTheNextFieldWithoutStarting(field: StartStreamForm.Field) {
        var form = StartStreamForm(conferenceSid: "CF1", conferenceName: "standup")
        _ = form.apply(.paste(Self.validURL))
        while form.focus != field { _ = form.apply(.tab) }
        _ = form.apply(.right)
        let order = form.focusOrder
        let next = order[order.firstIndex(of: field)! + 1]
        #expect(form.apply(.enter) == .none)
        #expect(!form.submitting)
        #expect(form.focus == next)
    }

    @Test func theHintSaysWhatEnterDoesWhereTheFocusIs() {
        var form = StartStreamForm(conferenceSid: "CF1", conferenceName: "standup")
        #expect(form.hints.first == .init([.enter], "start"))
        _ = form.apply(.tab)
        _ = form.apply(.tab)
        #expect(form.focus == .track)
        #expect(form.hints.first == .init([.enter], "next field"))
    }

    @Test func enterOnTheURLStillStarts() {
        var form = StartStreamForm(conferenceSid: "CF1", conferenceName: "standup")
        _ = form.apply(.paste(Self.validURL))
        #expect(form.apply(.enter) == .submit(StartStreamRequest(url: Self.validURL, track: .both)))
    }
}
