#!/usr/bin/env python3
"""Derives the demo's approximate boundaries of Kota Ambon (data/demo/ambon/areas.json).

Nothing here is an official or surveyed boundary, and none is copied from boundary data:
the kecamatan are the Voronoi cells of the five centres in directory.json, clipped to a box
around the bay; each kecamatan's kelurahan/desa are the Voronoi cells of their sites inside it.
A village's site is its point in places.csv where the gazetteer has one, else a point set on a
spiral around its kecamatan's centre. Every boundary comes out marked approximate.

The codes and names of the kelurahan/desa are those of the idn-area-data package (Kemendagri
codes; data under the ODbL, see README.md beside this file), given as villages.csv here:
    python3 make_areas.py villages.csv > areas.json
"""
import csv
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).parent
BOX = (128.04, -3.84, 128.36, -3.56)  # lon_min, lat_min, lon_max, lat_max


def clip(poly, a, b, c):
    """Keeps the part of a convex polygon where a*lon + b*lat <= c (Sutherland-Hodgman)."""
    out = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0) != (fq < 0) and fp != fq:
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def cell(site, others, region):
    """The part of region nearer to site than to any of others."""
    poly = region
    for o in others:
        if o == site:
            continue
        a, b = o[0] - site[0], o[1] - site[1]
        c = (o[0] ** 2 - site[0] ** 2 + o[1] ** 2 - site[1] ** 2) / 2
        poly = clip(poly, a, b, c)
    return poly


def inside(pt, poly):
    x, y = pt
    hit = False
    for i, p in enumerate(poly):
        q = poly[i - 1]
        if (p[1] > y) != (q[1] > y) and x < (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]) + p[0]:
            hit = not hit
    return hit


def geometry(poly):
    ring = [[round(x, 5), round(y, 5)] for x, y in poly]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def centroid(poly):
    return (sum(p[0] for p in poly) / len(poly), sum(p[1] for p in poly) / len(poly))


def main():
    directory = json.loads((HERE / "directory.json").read_text())
    known = {}
    with open(HERE / "places.csv") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "village":
                known[row["name"].lower()] = (float(row["lon"]), float(row["lat"]))
    with open(sys.argv[1]) as f:
        villages = [dict(zip(["code", "district", "name"], r)) for r in csv.reader(f) if r[0] != "code"]
    box = [(BOX[0], BOX[1]), (BOX[2], BOX[1]), (BOX[2], BOX[3]), (BOX[0], BOX[3])]
    centres = {d["code"]: (d["lon"], d["lat"]) for d in directory["districts"]}
    out = {"note": "Approximate boundaries derived by make_areas.py (not official); codes and names: idn-area-data 4.0.1 (ODbL).",
           "districts": [], "villages": []}
    for code, site in centres.items():
        region = cell(site, list(centres.values()), box)
        out["districts"].append({"code": code, "boundary": geometry(region)})
        mine = [v for v in villages if v["district"] == code]
        sites, taken = [], set()
        for i, v in enumerate(mine):
            p = known.get(v["name"].lower())
            if p is None or not inside(p, region) or p in taken:
                k = 0
                while True:  # a golden-angle spiral around the centre, first point inside the cell
                    k += 1
                    r, a = 0.004 * math.sqrt(k + 3 * i), (k + 7 * i) * 2.39996
                    p = (site[0] + r * math.cos(a), site[1] + r * math.sin(a))
                    if inside(p, region) and all(math.dist(p, s) > 0.003 for s in sites):
                        break
            sites.append(p)
            taken.add(p)
        for v, p in zip(mine, sites):
            poly = cell(p, sites, region)
            cx, cy = centroid(poly)
            out["villages"].append({"code": v["code"], "district": code, "name": v["name"],
                                    "lat": round(cy, 5), "lon": round(cx, 5), "boundary": geometry(poly)})
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


main()
