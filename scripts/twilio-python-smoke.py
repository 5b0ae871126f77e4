#!/usr/bin/env python3
"""The second wave's calls made by the real twilio-python 9.x against a running emulator.

Not part of `swift test` (twilio is not installed in CI; Tests/EmulatorTests/SDKCallRequestTests
replays the same requests by hand). Run it when twilio-python or the emulator changes:

    python3 -m venv /tmp/twilio-venv && /tmp/twilio-venv/bin/pip install 'twilio>=9,<10'
    confdash emulator --port 8787 &          # prints the demo credentials to export
    export SIGNALWIRE_PROJECT_ID=… SIGNALWIRE_API_TOKEN=…
    /tmp/twilio-venv/bin/python scripts/twilio-python-smoke.py http://127.0.0.1:8787

The token comes from the environment, never argv. Exit status 0 when every call did what the
service would; the first failure otherwise.
"""
import json
import os
import sys
import urllib.request

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client


def main(origin):
    client = Client(os.environ["SIGNALWIRE_PROJECT_ID"], os.environ["SIGNALWIRE_API_TOKEN"])
    client.api.base_url = origin  # twilio-python sends /2010-04-01/Accounts/…/X.json there

    calls = client.calls.list(status="in-progress")
    assert calls and all(c.status == "in-progress" for c in calls), "calls.list(status='in-progress')"
    print(f"calls.list: {len(calls)} in progress, e.g. {calls[0]._from} ({calls[0].from_formatted}) "
          f"{calls[0].direction}, {calls[0].duration} s")

    with urllib.request.urlopen(f"{origin}/__admin/conferences") as answer:
        conferences = json.load(answer)
    conf = next(c["sid"] for c in conferences if c["status"] == "in-progress" and c["activeParticipants"] >= 2)
    # No REST call starts a conference recording: the admin surface does, as cXML would.
    start = urllib.request.Request(f"{origin}/__admin/conferences/{conf}/recordings", method="POST")
    with urllib.request.urlopen(start) as answer:
        recording = json.load(answer)["sid"]

    listed = client.conferences(conf).recordings.list()
    assert recording in [r.sid for r in listed], "conferences(c).recordings.list()"
    paused = client.conferences(conf).recordings(recording).update(status="paused", pause_behavior="skip")
    assert paused.status == "paused", "recordings(r).update(status='paused', pause_behavior='skip')"

    people = client.conferences(conf).participants.list()
    coach, coached = people[0].call_sid, people[1].call_sid
    updated = client.conferences(conf).participants(coach).update(coaching=True, call_sid_to_coach=coached)
    assert updated.coaching and updated.call_sid_to_coach == coached, "participants(p).update(coaching=True…)"
    try:
        client.conferences(conf).participants(coach).update(
            coaching=True, call_sid_to_coach="00000000-0000-4000-8000-000000000000")
        raise AssertionError("coaching a call not in the conference was accepted")
    except TwilioRestException as refused:
        assert refused.code == 16002, f"coaching refusal code {refused.code}"

    stream = client.calls(coached).streams.create(
        url="wss://media.example.com/smoke", name="smoke", track="inbound_track",
        parameter1_name="who", parameter1_value="smoke-test")
    assert stream.status == "queued", "calls(c).streams.create(…)"
    assert client.calls(coached).streams(stream.sid).update(status="stopped").status == "stopped"

    leg = client.calls(coached).recordings.create(recording_channels="dual", recording_track="inbound")
    assert leg.status == "in-progress" and leg.channels == 2, "calls(c).recordings.create(…)"
    assert client.calls(coached).recordings(leg.sid).update(status="stopped").status == "stopped"
    print("every call answered as the service would")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8787"))
