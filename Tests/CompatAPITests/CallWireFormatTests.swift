import CompatAPI
import Foundation
import Testing

/// Calls and recordings as both services write them decode; one odd field never fails a page;
/// the poor-quality thresholds live in one place.
struct CallWireFormatTests {
    @Test func twilioCallWithTextNumbersAndNoQualityDecodes() throws {
        let json = """
            {"calls": [{"sid": "CA0123456789abcdef0123456789abcdef", "account_sid": "AC1", "to": "+14155550100",
              "to_formatted": "(415) 555-0100", "from": "+14155550142", "from_formatted": "(415) 555-0142",
              "status": "in-progress", "start_time": "Tue, 25 Sep 2018 20:00:00 +0000", "end_time": null,
              "duration": null, "price": "-0.0085", "direction": "outbound-api", "caller_name": "ACME CORP",
              "answered_by": null, "uri": "/2010-04-01/Accounts/AC1/Calls/CA0.json",
              "subresource_uris": {"recordings": "/2010-04-01/Accounts/AC1/Calls/CA0/Recordings.json", "streams": "x"},
              "queue_time": "0", "trunk_sid": null},
             {"sid": "b3877c40-da60-4998-90ad-b792e98472ca", "formatted_from": "(310) 338-4645", "from": "+13103384645",
              "duration": "20", "audio_in_mos": "3.2", "audio_out_lost": 45, "direction": "inbound", "status": "ringing-ish"},
             {"no_sid": true}],
             "next_page_uri": null, "page": 0, "page_size": 50, "uri": "/x", "first_page_uri": "/x"}
            """
        let page = try JSONDecoder().decode(ListPage<Call>.self, from: Data(json.utf8))
        #expect(page.items.count == 2)
        let twilio = page.items[0]
        #expect(twilio.direction == .outboundAPI && twilio.direction.isKnown && !twilio.direction.isInbound)
        #expect(twilio.price == -0.0085 && twilio.duration == nil && twilio.callerName == "ACME CORP")
        #expect(twilio.quality.isEmpty && !twilio.isPoorQuality)
        let signalwire = page.items[1]
        #expect(signalwire.fromFormatted == "(310) 338-4645")
        #expect(signalwire.duration == 20 && signalwire.quality.mos == 3.2 && signalwire.quality.packetsLost == 45)
        #expect(signalwire.status.rawValue == "ringing-ish" && !signalwire.status.isKnown)
        #expect(signalwire.isPoorQuality)
    }

    @Test func encodingWritesEverySpecFieldWithNulls() throws {
        let call = Call(
            sid: "s", accountSid: "a", dateCreated: ServiceDate(Date(timeIntervalSince1970: 0)),
            dateUpdated: ServiceDate(Date(timeIntervalSince1970: 0)), to: "sip:a@b", toFormatted: "sip:a@b",
            from: "+15550100000", fromFormatted: "(555) 010-0000", status: .inProgress, startTime: nil, duration: 5,
            direction: .inbound, uri: "/u", subresourceUris: CallSubresourceURIs(recordings: "/r"))
        let object = try #require(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(call)) as? [String: Any])
        for key in [
            "parent_call_sid", "formatted_to", "to_formatted", "formatted_from", "from_formatted", "phone_number_sid",
            "end_time", "price", "answered_by", "forwarded_from", "caller_name", "annotation", "group_sid",
            "audio_in_mos", "sip_result_code", "audio_rtt_avg", "audio_rtt_min", "audio_rtt_max",
            "audio_out_jitter_min", "audio_out_jitter_max", "audio_out_jitter_avg", "audio_out_lost",
        ] {
            #expect(object.keys.contains(key), "\(key)")
        }
        #expect(object["duration"] as? Int == 5)
        let round = try JSONDecoder().decode(Call.self, from: JSONEncoder().encode(call))
        #expect(round == call)
    }

    @Test func recordingsOfBothShapesDecode() throws {
        let signalwire = """
            {"sid": "19e436af-5688-4307-b03b-bdb2b42b8142", "channel": "2", "channels": "2", "duration": 4,
             "status": "paused", "source": "StartConferenceRecording", "conference_sid": "c", "call_sid": null,
             "error_code": null, "subresource_uris": {"transcriptions": "/t"}, "price": "-0.0025"}
            """
        let one = try JSONDecoder().decode(Recording.self, from: Data(signalwire.utf8))
        #expect(one.channels == 2 && one.duration == 4 && one.status == .paused && one.transcriptionsUri == "/t")
        #expect(one.price == "-0.0025" && one.callSid == nil)
        let twilio = """
            {"sid": "RE0", "channels": 1, "duration": "-1", "status": "failed", "source": "RecordVerb",
             "error_code": 13617, "price": -0.0025}
            """
        let two = try JSONDecoder().decode(Recording.self, from: Data(twilio.utf8))
        #expect(two.channels == 1 && two.duration == -1 && two.status == .failed && two.errorCode == "13617")
        #expect(two.price == "-0.0025")
        #expect(!two.status.isActive && RecordingStatus.paused.isActive)
    }

    @Test func poorQualityThresholdsAreMOSUnder3point5AndLossOver2Percent() {
        #expect(CallQuality.poorMOSBelow == 3.5 && CallQuality.poorLossPercentAbove == 2)
        #expect(!CallQuality(mos: 3.5).isPoor)
        #expect(CallQuality(mos: 3.49).isPoor)
        // 100 s at 50 packets a second: 5,000 sent; 103 lost is just over 2%.
        #expect(CallQuality(mos: 4.4, packetsLost: 102, seconds: 100).lossPercent.map { $0 < 2 } == true)
        #expect(CallQuality(mos: 4.4, packetsLost: 103, seconds: 100).isPoor)
        #expect(CallQuality(mos: 4.4, packetsLost: 103, seconds: 100).poorReasons == ["loss 2.0% > 2%"])
        #expect(CallQuality(mos: 3.1, packetsLost: 400, seconds: 100).poorReasons.count == 2)
        #expect(CallQuality(packetsLost: 10, seconds: 0).lossPercent == nil)
        #expect(!CallQuality().isPoor && CallQuality().isEmpty)
    }

    @Test func requestsCarryTheSpecsFieldNames() {
        #expect(RecordingUpdate.pause(.skip).formFields.map { "\($0.0)=\($0.1)" } == ["Status=paused", "PauseBehavior=skip"])
        #expect(RecordingUpdate.resume.formFields.map(\.1) == ["in-progress"])
        let start = StartCallRecordingRequest(
            channels: .dual, track: .both, trim: .doNotTrim, statusCallback: "https://h.example.com/r",
            statusCallbackMethod: .get, statusCallbackEvents: [.inProgress, .completed])
        #expect(
            start.formFields.map(\.0) == [
                "RecordingChannels", "RecordingTrack", "Trim", "RecordingStatusCallback", "RecordingStatusCallbackMethod",
                "RecordingStatusCallbackEvent",
            ])
        #expect(start.formFields.last?.1 == "in-progress completed")
        #expect(start.problems.isEmpty)
        let stream = StartCallStreamRequest(
            url: "wss://m.example.com", name: "n", track: .both, statusCallback: "https://h.example.com",
            statusCallbackMethod: .post, bearerToken: "t", parameters: [StreamParameter(name: "a", value: "b")])
        #expect(
            stream.formFields.map(\.0) == [
                "Url", "Name", "Track", "StatusCallback", "StatusCallbackMethod", "AuthorizationBearerToken",
                "Parameter1.Name", "Parameter1.Value",
            ])
        #expect(ParticipantUpdate.coach("CA1").formFields.map { "\($0.0)=\($0.1)" } == ["Coaching=true", "CallSidToCoach=CA1"])
        #expect(ParticipantUpdate.stopCoaching.formFields.map { "\($0.0)=\($0.1)" } == ["Coaching=false"])
        #expect(
            CallFilter(status: .inProgress, from: "+1555", to: "sip:a@b", startTimeAfter: "2024-01-01", pageSize: 10)
                .queryItems.map(\.0) == ["Status", "From", "To", "StartTime>", "PageSize"])
        #expect(CallFilter.inProgress.queryItems.map { "\($0.0)=\($0.1)" } == ["Status=in-progress", "PageSize=1000"])
    }
}
