#!/usr/bin/env python3
"""What a script on twilio-python 9.x does to read every live conference with its participants:
list the conferences in progress and those starting (the SDK's default page size, 50), then each
one's participants, one request after the other. `scripts/bench.sh` runs it against the same
emulator as the dashboard's full first poll, for the ratio in BENCHMARKS.md.

    SIGNALWIRE_PROJECT_ID=… SIGNALWIRE_API_TOKEN=… python scripts/sdk-poll.py ORIGIN [REPETITIONS]

The token comes from the environment, never argv. Prints one line of JSON: each repetition's
seconds, the requests one repetition made, and the conferences it read.
"""
import json
import os
import sys
import time

from twilio.rest import Client


def main(origin, repetitions):
    client = Client(os.environ["SIGNALWIRE_PROJECT_ID"], os.environ["SIGNALWIRE_API_TOKEN"])
    client.api.base_url = origin  # twilio-python sends /2010-04-01/Accounts/…/X.json there
    seconds, requests, conferences = [], 0, 0
    for _ in range(repetitions):
        start = time.monotonic()
        pages = 0
        live = []
        for status in ("in-progress", "init"):
            page = client.conferences.page(status=status, page_size=50)
            while page is not None:
                pages += 1
                live += list(page)
                page = page.next_page()
        for conference in live:
            client.conferences(conference.sid).participants.list(page_size=50)
        seconds.append(time.monotonic() - start)
        requests, conferences = pages + len(live), len(live)
    print(json.dumps({"seconds": seconds, "requests": requests, "conferences": conferences}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
