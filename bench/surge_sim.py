#!/usr/bin/env python3
"""A disaster surge across Indonesia's provinces, one Siaga 112 cluster each (issue 13 item 6).

Simulates the busiest hour of a surge, second by second: each province's writes (telephony
events, classifications, incidents) arrive at random (Poisson) at the rate its population gives
at Jakarta's 2024 rate of calls, times the surge factor, times the busy hour's factor; its cluster
serves them at the capacity measured on this project's 2-core machine; in the middle of the hour
the cluster's PostgreSQL primary dies and no write is served for the failover window measured by
deploy/ha. It prints, per province and for the whole country in one cluster, the load as a share
of the capacity, the writes queued by the failover (the PBX bridges, consoles and channels retry:
DESIGN.md's clients hold what got 503) and how long the queue takes to drain.

Usage: python3 bench/surge_sim.py [--surge 10] [--capacity 198] [--failover-s 15.03] [--seed 1]
                                  [--markdown]
The defaults are the figures measured here (docs/scaling.md). Standard library only.
"""

import argparse
import math
import random

# Population by province, millions: BPS's mid-2023 projections, rounded to 10,000 (the 38
# provinces after the 2022 division of Papua). The simulation needs only their order of magnitude.
PROVINCES = [
    ("Aceh", 5.48), ("Sumatera Utara", 15.39), ("Sumatera Barat", 5.76), ("Riau", 6.64),
    ("Jambi", 3.68), ("Sumatera Selatan", 8.74), ("Bengkulu", 2.09), ("Lampung", 9.31),
    ("Kepulauan Bangka Belitung", 1.49), ("Kepulauan Riau", 2.15), ("DKI Jakarta", 10.67),
    ("Jawa Barat", 49.86), ("Jawa Tengah", 37.54), ("DI Yogyakarta", 3.74), ("Jawa Timur", 41.53),
    ("Banten", 12.31), ("Bali", 4.39), ("Nusa Tenggara Barat", 5.56), ("Nusa Tenggara Timur", 5.57),
    ("Kalimantan Barat", 5.62), ("Kalimantan Tengah", 2.74), ("Kalimantan Selatan", 4.19),
    ("Kalimantan Timur", 3.94), ("Kalimantan Utara", 0.73), ("Sulawesi Utara", 2.66),
    ("Sulawesi Tengah", 3.09), ("Sulawesi Selatan", 9.36), ("Sulawesi Tenggara", 2.75),
    ("Gorontalo", 1.20), ("Sulawesi Barat", 1.46), ("Maluku", 1.88), ("Maluku Utara", 1.34),
    ("Papua Barat", 0.56), ("Papua Barat Daya", 0.62), ("Papua", 1.06), ("Papua Selatan", 0.53),
    ("Papua Tengah", 1.47), ("Papua Pegunungan", 1.45),
]

# Jakarta 2024 (issue 14): 637,292 calls, about 2.07 million telephony events, 266,475 classified,
# 6,317 emergencies, for about 10.68 million inhabitants.
CALLS_PER_PERSON_YEAR = 637_292 / 10.68e6
WRITES_PER_CALL = (2.07e6 + 266_475 + 6_317) / 637_292  # events + classifications + incidents
BUSY_HOUR = 2.0  # the busiest hour of a day against the day's average
SECONDS_A_YEAR = 365 * 86_400


def poisson(rng, mean):
    """A Poisson draw: Knuth's product method for small means, the normal approximation above."""
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def simulate(rate, capacity, failover_s, rng, hour_s=3600):
    """One busy hour at `rate` writes a second against `capacity`, with the failover at its middle.

    Returns (the most writes waiting at once, seconds from the failover's end until none wait,
    the longest any write waited in seconds)."""
    most, drained_at, longest = 0, None, 0.0
    down_from, down_to = hour_s // 2, hour_s // 2 + math.ceil(failover_s)
    pending = 0
    arrivals = []  # [second, count] of the writes that arrived in each second, served oldest first
    served_from = 0
    for t in range(hour_s):
        n = poisson(rng, rate)
        if n:
            arrivals.append([t, n])
            pending += n
        budget = 0 if down_from <= t < down_to else capacity
        while budget > 0 and served_from < len(arrivals):
            second, count = arrivals[served_from]
            take = min(count, budget)
            longest = max(longest, t - second)
            arrivals[served_from][1] -= take
            budget -= take
            pending -= take
            if arrivals[served_from][1] == 0:
                served_from += 1
        most = max(most, pending)
        if t >= down_to and drained_at is None and pending == 0:
            drained_at = t
    return most, (None if drained_at is None else drained_at - down_to), longest


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--surge", type=float, default=10.0, help="times the normal rate (10)")
    ap.add_argument("--capacity", type=int, default=198,
                    help="writes a second one cluster serves (198: incident creation through two siaga "
                         "nodes on Patroni with a synchronous standby, the lowest PostgreSQL figure measured)")
    ap.add_argument("--failover-s", type=float, default=15.03, help="seconds without writes (deploy/ha)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--markdown", action="store_true", help="a Markdown table instead of plain text")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    def rate_of(millions):
        return millions * 1e6 * CALLS_PER_PERSON_YEAR * WRITES_PER_CALL / SECONDS_A_YEAR * BUSY_HOUR * args.surge

    rows = []
    for name, millions in sorted(PROVINCES, key=lambda p: -p[1]):
        rate = rate_of(millions)
        rows.append((name, millions, rate) + simulate(rate, args.capacity, args.failover_s, rng))
    total = sum(m for _, m in PROVINCES)
    national = ("the whole country in one cluster", total, rate_of(total))
    national += simulate(national[2], args.capacity, args.failover_s, rng)

    head = ("province", "people (M)", "writes/s", "load", "most queued", "drained after (s)", "longest wait (s)")
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
    else:
        print("  ".join(head))
    for name, millions, rate, most, drained, longest in rows[:5] + [("...", 0, 0, 0, 0, 0)] + rows[-2:] + [national]:
        if name == "...":
            print("| ... | | | | | | |" if args.markdown else "...")
            continue
        cells = (name, f"{millions:.2f}", f"{rate:.2f}", f"{rate / args.capacity:.1%}", str(most),
                 "never" if drained is None else str(drained), f"{longest:.0f}")
        print(("| " + " | ".join(cells) + " |") if args.markdown else "  ".join(cells))
    print()
    print(f"# {len(PROVINCES)} provinces, {total:.1f} M people; {CALLS_PER_PERSON_YEAR:.4f} calls a person a year, "
          f"{WRITES_PER_CALL:.2f} writes a call, busy hour x{BUSY_HOUR:g}, surge x{args.surge:g}; "
          f"capacity {args.capacity} writes/s a cluster, failover {args.failover_s:g} s at the hour's middle; "
          f"seed {args.seed}")


if __name__ == "__main__":
    main()
