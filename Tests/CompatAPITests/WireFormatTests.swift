import CompatAPI
import Foundation
import Testing

/// Decoding what the service sends, and encoding what confdash sends.
struct WireFormatTests {
    @Test(arguments: [
        ("Tue, 25 Sep 2018 20:00:00 +0000", 1_537_905_600.0),
        ("Tue, 25 Sept 2018 20:00:00 +0000", 1_537_905_600.0),
        ("25 Sep 2018 20:00:00 GMT", 1_537_905_600.0),
        ("Tue, 25 Sep 2018 22:00:00 +0200", 1_537_905_600.0),
        ("Tue, 5 Sep 2018 20:00 +0000", 1_536_177_600.0),
        // Leap days, offsets across midnight, before 1970 and a century that is not a leap year.
        ("Thu, 29 Feb 2024 23:59:59 +0000", 1_709_251_199.0),
        ("Fri, 31 Dec 1999 00:00:00 -0500", 946_702_800.0 - 86_400),
        ("Wed, 01 Jan 1969 00:00:00 +0000", -31_536_000.0),
        ("Mon, 01 Mar 2100 00:00:00 +0000", 4_107_542_400.0),
    ])
    func datesParseLeniently(text: String, epoch: Double) {
        #expect(ServiceDate(raw: text).date?.timeIntervalSince1970 == epoch)
    }

    @Test(arguments: ["", "not a date", "Tue, 45 Sep 2018 20:00:00 +0000", "Sep"])
    func badDatesKeepTheirText(text: String) {
        let date = ServiceDate(raw: text)
        #expect(date.date == nil)
        #expect(date.raw == text)
    }

    @Test func formatRoundTrips() {
        let date = Date(timeIntervalSince1970: 1_537_905_600)
        #expect(ServiceDate.format(date) == "Tue, 25 Sep 2018 20:00:00 +0000")
        #expect(ServiceDate(raw: ServiceDate.format(date)).date == date)
    }

    @Test func unknownFieldsAndEnumValuesDecode() throws {
        let json = """
            {"conferences": [
              {"sid": "c1", "account_sid": "a", "friendly_name": "Room", "status": "paused-by-gremlins",
               "region": "us9", "date_created": "Mon, 24 Sept 2018 21:00:00 +0000", "date_updated": "garbage",
               "api_version": "2010-04-01", "uri": "/x", "subresource_uris": {"participants": "/p", "recordings": "/r"},
               "brand_new_field": {"nested": true}},
              {"no_sid_at_all": true},
              {"sid": "c2", "status": "completed", "reason_conference_ended": "last-participant-left"}
            ], "uri": "/u", "first_page_uri": "/u", "next_page_uri": null, "previous_page_uri": null,
               "page": 0, "page_size": 50, "start": 0, "end": 1}
            """
        let page = try JSONDecoder().decode(ListPage<Conference>.self, from: Data(json.utf8))
        #expect(page.items.map(\.sid) == ["c1", "c2"])
        #expect(page.items[0].status.rawValue == "paused-by-gremlins")
        #expect(!page.items[0].status.isKnown)
        #expect(page.items[0].dateCreated.date != nil)
        #expect(page.items[0].dateUpdated.date == nil)
        #expect(page.items[1].reasonConferenceEnded == "last-participant-left")
        #expect(page.nextPageUri == nil)
    }

    @Test func participantAlwaysWritesNullableCoach() throws {
        let p = Participant(
            callSid: "ca", conferenceSid: "cf", accountSid: "ac", status: .inProgress,
            dateCreated: ServiceDate(raw: "x"), dateUpdated: ServiceDate(raw: "x"), uri: "/p")
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(p)) as? [String: Any]
        #expect(object?.keys.contains("call_sid_to_coach") == true)
        #expect(object?["call_sid_to_coach"] is NSNull)
    }

    @Test func bothErrorShapesDecode() throws {
        let standard = try JSONDecoder().decode(
            ServiceError.self,
            from: Data(#"{"code": 20404, "message": "Not Found", "more_info": "https://x", "status": 404}"#.utf8))
        #expect(standard.code == 20404)
        #expect(standard.status == 404)
        let list = try JSONDecoder().decode(ServiceError.self, from: Data(#"{"errors": ["Url is invalid", "bad"]}"#.utf8))
        #expect(list.errors == ["Url is invalid", "bad"])
        #expect(list.code == nil)
    }

    @Test func streamFormCarriesEveryField() {
        let request = StartStreamRequest(
            url: "wss://media.example.com/in", name: "rec-1", track: .inbound, codec: .l16At16k, realTime: true,
            statusCallback: "https://cb.example.com/s", statusCallbackMethod: .get, bearerToken: "s3cret",
            parameters: [StreamParameter(name: "a b", value: "1&2"), StreamParameter(name: "c", value: "é")])
        let body = FormEncoding.encode(request.formFields)
        #expect(
            body
                == "Url=wss%3A%2F%2Fmedia.example.com%2Fin&Name=rec-1&Track=inbound_track&StreamCodec=L16%4016000h"
                + "&StreamRealTime=true&StatusCallback=https%3A%2F%2Fcb.example.com%2Fs&StatusCallbackMethod=GET"
                + "&AuthorizationBearerToken=s3cret&Parameter1.Name=a%20b&Parameter1.Value=1%262"
                + "&Parameter2.Name=c&Parameter2.Value=%C3%A9")
        #expect(!request.description.contains("s3cret"))
        let decoded = FormEncoding.decode(body)
        #expect(decoded.map(\.0) == request.formFields.map(\.0))
        #expect(decoded.map(\.1) == request.formFields.map(\.1))
    }

    @Test func formDecodingTreatsPlusAsSpace() {
        let pairs = FormEncoding.decode("Muted=True&Name=a+b&DateCreated%3E=2024-01-01")
        #expect(pairs.map(\.0) == ["Muted", "Name", "DateCreated>"])
        #expect(pairs.map(\.1) == ["True", "a b", "2024-01-01"])
    }

    @Test(arguments: [
        ("wss://media.example.com/x", [String]()),
        ("ws://media.example.com/x", ["Url must use wss:// (the service refuses unencrypted ws://)"]),
        ("/relative/path", ["Url must be an absolute wss:// URL"]),
        ("wss://media.example.com/x?token=1", ["Url must not have a query string (use custom parameters)"]),
        ("", ["Url is required"]),
    ])
    func streamUrlRules(url: String, expected: [String]) {
        #expect(StartStreamRequest.urlProblems(url) == expected)
    }

    @Test func streamParameterRules() {
        let tooMany = StartStreamRequest(
            url: "wss://h/x", parameters: (1...100).map { StreamParameter(name: "p\($0)", value: "v") })
        #expect(tooMany.problems == ["at most 99 custom parameters (got 100)"])
        let dup = StartStreamRequest(
            url: "wss://h/x", parameters: [.init(name: "a", value: "1"), .init(name: "a", value: "2"), .init(name: " ", value: "")])
        #expect(dup.problems == ["parameter 2: the name a is used twice", "parameter 3: the name must not be empty"])
    }
}

/// Where the client sends its requests.
struct EndpointTests {
    @Test func spaceNameBecomesSignalWireHost() throws {
        #expect(try Endpoint("example").baseURL == "https://example.signalwire.com/api/laml/2010-04-01")
        #expect(try Endpoint("example.signalwire.com").baseURL == "https://example.signalwire.com/api/laml/2010-04-01")
    }

    @Test func fullBaseURLIsKept() throws {
        let endpoint = try Endpoint("http://127.0.0.1:8080/api/laml/2010-04-01/")
        #expect(endpoint.baseURL == "http://127.0.0.1:8080/api/laml/2010-04-01")
        #expect(endpoint.origin == "http://127.0.0.1:8080")
        #expect(try Endpoint("http://localhost:9").baseURL == "http://localhost:9/api/laml/2010-04-01")
    }

    @Test func twilioUsesJSONPaths() throws {
        let endpoint = try Endpoint("https://api.twilio.com")
        #expect(endpoint.baseURL == "https://api.twilio.com/2010-04-01")
        #expect(endpoint.usesJSONSuffix)
    }

    @Test func plainHTTPIsRefusedOffLoopback() {
        #expect(throws: CompatError.self) { try Endpoint("http://example.signalwire.com") }
        #expect(throws: CompatError.self) { try Endpoint("") }
        #expect(throws: CompatError.self) { try Endpoint("exa mple") }
    }

    @Test func credentialsComeFromTheEnvironment() throws {
        let credentials = try Credentials.fromEnvironment([
            "SIGNALWIRE_PROJECT_ID": "p", "SIGNALWIRE_API_TOKEN": "PTsecret",
        ])
        #expect(credentials.projectID == "p")
        #expect(!credentials.description.contains("PTsecret"))
        #expect(throws: CompatError.self) { try Credentials.fromEnvironment(["SIGNALWIRE_PROJECT_ID": "p"]) }
    }
}

/// Retries: reads only, exponential with jitter, Retry-After first.
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300))

    @Test func backoffDoublesUpToTheCap() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, jitter: 1) == .milliseconds(100))
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil, jitter: 1) == .milliseconds(200))
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, jitter: 1) == .milliseconds(300))
        #expect(policy.delay(afterAttempt: 4, retryAfter: nil, jitter: 1) == nil)
    }

    @Test func jitterTakesHalfToAllOfTheStep() {
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil, jitter: 0) == .milliseconds(100))
    }

    @Test func retryAfterWins() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(2), jitter: 0.3) == .seconds(2))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(600), jitter: 0.3) == nil)
    }

    @Test func onlyTransientFailuresAreRetried() {
        #expect(RetryPolicy.isRetryable(.service(ServiceError(status: 429, code: 20429, message: ""), retryAfterSeconds: nil)))
        #expect(RetryPolicy.isRetryable(.service(ServiceError(status: 503, code: nil, message: ""), retryAfterSeconds: nil)))
        #expect(RetryPolicy.isRetryable(.unreachable(host: "h", reason: "no connection within 5 s")))
        #expect(RetryPolicy.isRetryable(.timedOut(operation: "list conferences", seconds: 5)))
        // Nothing listens there, or the name does not resolve: another attempt cannot mend it soon,
        // so a script is told at once (issue 12: 21 s of silent retries before "connection refused").
        #expect(!RetryPolicy.isRetryable(.unreachable(host: "h", reason: CompatError.connectionRefused)))
        #expect(!RetryPolicy.isRetryable(.unreachable(host: "h", reason: "the host name does not resolve (h)")))
        #expect(!RetryPolicy.isRetryable(.service(ServiceError(status: 404, code: 20404, message: ""), retryAfterSeconds: nil)))
        #expect(!RetryPolicy.isRetryable(.service(ServiceError(status: 401, code: 20003, message: ""), retryAfterSeconds: nil)))
    }
}
