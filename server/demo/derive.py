#!/usr/bin/env python3
"""Derive the committed demo content set of Một Cửa from the shared real data.

Usage (from the repository root):

    python3 server/demo/derive.py ../shared/data

Reads  DATA/procedures.jsonl.gz, DATA/admin-units-2025.json, DATA/admin-units-2025.LICENSE
Writes server/demo/procedures.jsonl.gz   (~300 procedures, original lines copied byte for byte)
       server/demo/admin-units.json      (one province with all of its communes)
       server/demo/admin-units.LICENSE   (copy of the MIT licence of vietnamadminunits)
Checks server/demo/announcements.json    (hand-written by the team; validated, never rewritten)

The output is deterministic: no randomness, no timestamps (gzip mtime is 0).
"""

import gzip
import hashlib
import io
import json
import re
import shutil
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

TARGET_COUNT = 300
PROVINCE_NAME = "Thành phố Huế"
# Records larger than this (serialised) are only taken when they are must-includes,
# so that the demo set stays small.
MAX_FILL_RECORD_BYTES = 25_000
LEVELS = ("Cấp bộ", "Cấp tỉnh", "Cấp xã")
SMALL_AGENCY = 5  # agencies with at most this many procedures are included whole

OUT_DIR = Path(__file__).resolve().parent


def norm(text):
    """NFC, lower case, single spaces: the form used for matching names only."""
    text = unicodedata.normalize("NFC", text or "")
    return re.sub(r"\s+", " ", text).strip().lower()


def bare_name(record):
    """Normalised name without the leading "Thủ tục " that many portal names carry."""
    name = norm(record["ten_thu_tuc"])
    if name.startswith("thủ tục "):
        name = name[len("thủ tục "):]
    return name


def starts(*prefixes):
    return lambda r: any(bare_name(r).startswith(p) for p in prefixes)


def contains(*parts):
    return lambda r: any(p in bare_name(r) for p in parts)


def equals(*names):
    return lambda r: bare_name(r) in names


def field_in(*fields):
    wanted = {norm(f) for f in fields}
    return lambda r: norm(r["linh_vuc"]) in wanted


# The procedures citizens need most. A record is a must-include when any rule matches.
MUST_RULES = [
    ("Đăng ký khai sinh", starts("đăng ký khai sinh", "đăng ký lại khai sinh")),
    ("Liên thông khai sinh", lambda r: bare_name(r).startswith("liên thông") and "khai sinh" in bare_name(r)),
    ("Đăng ký khai tử", starts("đăng ký khai tử", "đăng ký lại khai tử")),
    ("Đăng ký kết hôn", starts("đăng ký kết hôn", "đăng ký lại kết hôn")),
    ("Đăng ký thường trú", starts("đăng ký thường trú")),
    ("Đăng ký tạm trú", (lambda r: starts("đăng ký tạm trú")(r) or equals("gia hạn tạm trú")(r))),
    ("Thẻ căn cước", starts("cấp thẻ căn cước", "cấp lại thẻ căn cước", "cấp đổi thẻ căn cước", "cấp đổi giấy chứng nhận căn cước", "cấp lại giấy chứng nhận căn cước")),
    ("Định danh điện tử", starts("cấp tài khoản định danh điện tử")),
    ("Hộ chiếu", starts("cấp hộ chiếu")),
    ("Đăng ký xe", contains("đăng ký xe")),
    ("Giấy phép lái xe", starts("cấp giấy phép lái xe", "đổi giấy phép lái xe", "cấp lại giấy phép lái xe")),
    ("Xác nhận tình trạng hôn nhân", contains("xác nhận tình trạng hôn nhân")),
    ("Trích lục hộ tịch", contains("trích lục hộ tịch")),
    ("Chứng thực", starts("chứng thực", "cấp bản sao có chứng thực")),
    ("Giấy chứng nhận quyền sử dụng đất",
     (lambda r: contains("cấp giấy chứng nhận quyền sử dụng đất")(r)
      or starts("cấp đổi giấy chứng nhận quyền sử dụng đất")(r)
      or (norm(r["linh_vuc"]) == "đất đai" and starts("cấp lại giấy chứng nhận")(r)))),
    ("BHXH, BHYT", field_in(
        "Thu BHXH, BHYT, BHTN, BH tai nạn lao động, BNN",
        "Cấp sổ BHXH, thẻ BHYT",
        "Chi trả các chế độ BHXH",
        "Thực hiện chính sách BHXH",
        "Thực hiện chính sách BHYT")),
]
MUST_CODE = "1.001193"  # Đăng ký khai sinh


def levels_of(record):
    parts = [p.strip() for p in (record["cap_thuc_hien"] or "").split(",")]
    return [p for p in parts if p]


def stable_key(record):
    return hashlib.sha1(record["ma_thu_tuc"].encode("utf-8")).hexdigest()


def load_procedures(path):
    """Return [(raw_line_bytes, record)] in file order."""
    out = []
    with gzip.open(path, "rb") as fh:
        for line in fh:
            if not line.strip():
                continue
            raw = line.rstrip(b"\r\n")
            out.append((raw, json.loads(raw)))
    return out


def select(procs):
    records = [r for _, r in procs]
    n = len(records)
    by_code = {r["ma_thu_tuc"]: r for r in records}

    # 1. must-includes
    must = {}
    for label, rule in MUST_RULES:
        for r in records:
            if rule(r):
                must.setdefault(r["ma_thu_tuc"], label)
    if MUST_CODE in by_code:
        must.setdefault(MUST_CODE, "Đăng ký khai sinh")

    # 2. targets for stratification
    field_n = Counter(r["linh_vuc"] for r in records)
    agency_n = Counter(r["agency_folder"] for r in records)
    level_n = Counter(l for r in records for l in levels_of(r) if l in LEVELS)
    level_total = sum(level_n.values())
    field_t = {f: max(1.0, TARGET_COUNT * c / n) for f, c in field_n.items()}
    agency_t = {a: max(min(3.0, c), TARGET_COUNT * c / n) for a, c in agency_n.items()}
    # Level incidences: half proportional to the data, half equal thirds, so the
    # commune level (fewest procedures, most used by citizens) is well represented.
    incidences = TARGET_COUNT * level_total / n
    level_t = {l: incidences * (0.5 * level_n[l] / level_total + 0.5 / len(LEVELS)) for l in LEVELS}

    chosen = set(must)
    field_c = Counter(by_code[c]["linh_vuc"] for c in chosen)
    agency_c = Counter(by_code[c]["agency_folder"] for c in chosen)
    level_c = Counter(l for c in chosen for l in levels_of(by_code[c]) if l in LEVELS)

    def size(r):
        return len(json.dumps(r, ensure_ascii=False).encode("utf-8"))

    # Agencies with only a handful of procedures (the courts) are taken whole.
    for r in records:
        if agency_n[r["agency_folder"]] <= SMALL_AGENCY and r["ma_thu_tuc"] not in chosen:
            chosen.add(r["ma_thu_tuc"])
            field_c[r["linh_vuc"]] += 1
            agency_c[r["agency_folder"]] += 1
            for l in levels_of(r):
                if l in LEVELS:
                    level_c[l] += 1

    # Large records are skipped, except the smallest one of each field so that
    # every field can still be represented.
    smallest = {}
    for r in sorted(records, key=lambda r: (size(r), r["ma_thu_tuc"])):
        smallest.setdefault(r["linh_vuc"], r["ma_thu_tuc"])
    candidates = sorted(
        (r for r in records
         if r["ma_thu_tuc"] not in chosen
         and (size(r) <= MAX_FILL_RECORD_BYTES or smallest[r["linh_vuc"]] == r["ma_thu_tuc"])),
        key=stable_key,
    )

    def score(r):
        f = r["linh_vuc"]
        a = r["agency_folder"]
        fd = (field_t[f] - field_c[f]) / field_t[f]
        ad = (agency_t[a] - agency_c[a]) / agency_t[a]
        ls = [l for l in levels_of(r) if l in LEVELS]
        ld = sum((level_t[l] - level_c[l]) / level_t[l] for l in ls) / len(ls) if ls else -0.5
        return 2.0 * fd + ad + ld

    # 3. greedy fill: repeatedly take the candidate that best reduces the deficits
    #    (field first, then agency and level); ties go to the stable hash order.
    #    Phase 1 only looks at fields not yet represented, so every field gets one.
    while len(chosen) < TARGET_COUNT and candidates:
        uncovered = any(field_c[r["linh_vuc"]] == 0 for r in candidates)
        best_i, best_s = None, None
        for i, r in enumerate(candidates):
            if uncovered and field_c[r["linh_vuc"]] > 0:
                continue
            s = score(r)
            if best_s is None or s > best_s + 1e-12:
                best_i, best_s = i, s
        r = candidates.pop(best_i)
        chosen.add(r["ma_thu_tuc"])
        field_c[r["linh_vuc"]] += 1
        agency_c[r["agency_folder"]] += 1
        for l in levels_of(r):
            if l in LEVELS:
                level_c[l] += 1

    return chosen, must


def write_gzip_lines(path, lines):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        for line in lines:
            gz.write(line + b"\n")
    path.write_bytes(buf.getvalue())


def derive_procedures(data_dir):
    procs = load_procedures(data_dir / "procedures.jsonl.gz")
    chosen, must = select(procs)
    selected = [(raw, r) for raw, r in procs if r["ma_thu_tuc"] in chosen]  # file order
    write_gzip_lines(OUT_DIR / "procedures.jsonl.gz", [raw for raw, _ in selected])

    # Sanity: every written line parses to the same record it came from.
    with gzip.open(OUT_DIR / "procedures.jsonl.gz", "rb") as fh:
        back = [json.loads(l) for l in fh]
    assert back == [r for _, r in selected]

    records = [r for _, r in selected]
    print(f"procedures: {len(records)} of {len(procs)} selected, {len(must)} must-include")
    print("\nper level (a procedure counts once for each level it lists):")
    lc = Counter(l for r in records for l in levels_of(r))
    for l, c in sorted(lc.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {c:4d}  {l}")
    print("\nper cap_thuc_hien value:")
    for v, c in Counter(r["cap_thuc_hien"] for r in records).most_common():
        print(f"  {c:4d}  {v}")
    print("\nper agency_folder:")
    for v, c in Counter(r["agency_folder"] for r in records).most_common():
        print(f"  {c:4d}  {v}")
    fc = Counter(r["linh_vuc"] for r in records)
    all_fields = {r["linh_vuc"] for _, r in procs}
    print(f"\nper field (linh_vuc): {len(fc)} of {len(all_fields)} fields present")
    for v, c in sorted(fc.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {c:4d}  {v}")
    missing = sorted(all_fields - set(fc))
    if missing:
        print("  fields not present:", "; ".join(missing))

    print("\nmust-include procedures:")
    by_code = {r["ma_thu_tuc"]: r for r in records}
    groups = defaultdict(list)
    for code, label in must.items():
        groups[label].append(code)
    for label, _ in MUST_RULES:
        codes = sorted(groups.get(label, []))
        print(f"  [{label}] {len(codes)}" + ("" if codes else "  (none found)"))
        for code in codes:
            print(f"    {code}  {unicodedata.normalize('NFC', by_code[code]['ten_thu_tuc'])}")
    if MUST_CODE not in by_code:
        print(f"  WARNING: {MUST_CODE} (Đăng ký khai sinh) not found in the data")


def derive_admin_units(data_dir):
    with open(data_dir / "admin-units-2025.json", encoding="utf-8") as fh:
        data = json.load(fh)
    provinces = data["provinces"]
    want = unicodedata.normalize("NFC", PROVINCE_NAME)
    match = [p for p in provinces if unicodedata.normalize("NFC", p["name"]) == want]
    if not match:
        # Fallback: the first province (by code) with 30–100 communes.
        match = [p for p in sorted(provinces, key=lambda p: p["code"]) if 30 <= len(p["communes"]) <= 100][:1]
    province = match[0]
    out = {"source": data["source"], "provinces": [province]}
    # Same shape as the source; one commune a line so that diffs stay readable.
    dump = lambda v: json.dumps(v, ensure_ascii=False)
    head = {k: v for k, v in province.items() if k != "communes"}
    lines = ["{", f'  "source": {dump(out["source"])},', '  "provinces": [',
             "    " + dump(head)[:-1] + ', "communes": [']
    lines += [f"      {dump(c)}," for c in province["communes"]]
    lines[-1] = lines[-1][:-1]
    lines += ["    ]}", "  ]", "}"]
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == out
    with open(OUT_DIR / "admin-units.json", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    shutil.copyfile(data_dir / "admin-units-2025.LICENSE", OUT_DIR / "admin-units.LICENSE")
    print(f"\nadmin units: {province['name']} (code {province['code']}), {len(province['communes'])} communes")


SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^2026-(09|10|11)-\d\dT\d\d:\d\d:\d\d\+07:00$")


def check_announcements():
    path = OUT_DIR / "announcements.json"
    if not path.exists():
        print("\nannouncements.json: missing")
        return
    items = json.loads(path.read_text(encoding="utf-8"))
    keys = {"slug", "title", "summary", "body", "published_at", "agency"}
    slugs = set()
    for a in items:
        assert set(a) == keys, a.keys()
        assert SLUG_RE.match(a["slug"]) and a["slug"] not in slugs, a["slug"]
        slugs.add(a["slug"])
        assert DATE_RE.match(a["published_at"]), a["published_at"]
        for k in keys:
            assert a[k] == unicodedata.normalize("NFC", a[k]), (a["slug"], k)
        assert "<" not in a["body"], a["slug"]
        assert 3 <= len(a["body"].split("\n\n")) <= 6, a["slug"]
    print(f"\nannouncements: {len(items)} checked")


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    data_dir = Path(argv[1])
    if not (data_dir / "procedures.jsonl.gz").exists():
        print(f"no shared data at {data_dir}; nothing to do")
        return 1
    derive_procedures(data_dir)
    derive_admin_units(data_dir)
    check_announcements()
    total = sum(p.stat().st_size for p in OUT_DIR.iterdir() if p.is_file())
    print(f"\nserver/demo total: {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
