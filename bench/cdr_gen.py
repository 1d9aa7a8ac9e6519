#!/usr/bin/env python3
"""Writes a year of a metropolis's 112 calls as call detail records, for siaga import calls.

Usage: cdr_gen.py --calls N [--format generic|asterisk|freeswitch] [--year 2024] [--seed 1] > FILE

The mix is Jakarta's published 2024 (637,292 calls): 6,317 emergencies, 110,788 non-emergency
(information), 370,817 dropped (abandoned or missed), 144,863 prank, 4,507 other (misdirected),
scaled to N; times spread over the year in the PBX's local time (WIB for the Asterisk and
FreeSWITCH layouts, +07:00 written out in the generic one)."""
import argparse
import random
import sys
from datetime import datetime, timedelta

MIX = [("valid", 6317), ("information", 110788), ("dropped", 370817), ("prank", 144863), ("misdirected", 4507)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--calls", type=int, required=True)
    p.add_argument("--format", default="generic", choices=["generic", "asterisk", "freeswitch"])
    p.add_argument("--year", type=int, default=2024)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    start = datetime(a.year, 1, 1)
    span = (datetime(a.year + 1, 1, 1) - start).total_seconds()
    times = sorted(rnd.random() * span for _ in range(a.calls))
    out = sys.stdout
    if a.format == "generic":
        out.write("call_id,number,line,ring,answer,end,agent,outcome,classification\n")
    for k, t in enumerate(times):
        kind = rnd.choices(kinds, weights)[0]
        ring = start + timedelta(seconds=int(t))
        number = "0812%08d" % rnd.randrange(0, 400000)
        agent = "%d" % (2001 + rnd.randrange(0, 40))
        wait = rnd.randint(2, 25)
        if kind == "dropped":
            answer = None
            end = ring + timedelta(seconds=wait)
            outcome = "abandoned" if rnd.random() < 0.7 else "missed"
            cls = ""
        else:
            answer = ring + timedelta(seconds=wait)
            end = answer + timedelta(seconds=rnd.randint(5, 240))
            outcome = "answered"
            cls = kind
        fmt = lambda d: d.strftime("%Y-%m-%d %H:%M:%S")
        cid = "%d.%d" % (int(t) + 1704042000, k)
        if a.format == "generic":
            out.write("%s,%s,112,%s+07:00,%s,%s+07:00,%s,%s,%s\n" % (
                cid, number, fmt(ring), fmt(answer) + "+07:00" if answer else "", fmt(end),
                agent if answer else "", outcome, cls))
        elif a.format == "asterisk":
            disposition = "ANSWERED" if answer else ("NO ANSWER" if outcome == "abandoned" else "BUSY")
            dst = "SIP/%s-%08x" % (agent, k) if answer else ""
            dur = int((end - ring).total_seconds())
            bill = int((end - answer).total_seconds()) if answer else 0
            out.write('"","%s","112","from-pstn","","SIP/trunk-%08x","%s","Queue","q112","%s","%s","%s",%d,%d,"%s","DOCUMENTATION","%s",""\n' % (
                number, k, dst, fmt(ring), fmt(answer) if answer else "", fmt(end), dur, bill, disposition, cid))
        else:
            cause = "NORMAL_CLEARING" if answer else ("ORIGINATOR_CANCEL" if outcome == "abandoned" else "NO_ANSWER")
            dur = int((end - ring).total_seconds())
            bill = int((end - answer).total_seconds()) if answer else 0
            out.write('"","%s","112","default","%s","%s","%s","%d","%d","%s","%s","","","PCMA","PCMA"\n' % (
                number, fmt(ring), fmt(answer) if answer else "", fmt(end), dur, bill, cause, "fs-" + cid))


if __name__ == "__main__":
    main()
