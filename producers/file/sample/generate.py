#!/usr/bin/env python3
"""Deterministic generator for the aspect-stream sample corpus.

Every sentence fragment, entity and hand-written review in this file was written
for aspect-stream; nothing is scraped or taken from a dataset. Reviews are
composed from these fragments according to a per-entity aspect profile (which
aspects people talk about for that entity and how they feel about them), with
varied connectors, openers, closers, informal spelling and emoji.

    python3 producers/file/sample/generate.py            # writes reviews.jsonl next to this file
    python3 producers/file/sample/generate.py --stats    # also prints counts and repetition checks

The output is byte-for-byte reproducible (fixed seed, no wall-clock input).
Licensed like the rest of the project: Apache-2.0.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import random
import re
from pathlib import Path

from data_banks import (
    APP_GENERIC,
    CLOSERS,
    ELEC_GENERIC,
    EMOJI,
    ENTITIES,
    FOREIGN,
    HANDWRITTEN,
    HEADLINES,
    KOREAN,
    NO_ASPECT,
    OPENERS,
    REST_GENERIC,
    TICKETS,
    VARS,
)

SEED = 20261120
# The Korean reviews draw from their own generator, so adding them changed no line made from SEED.
KOREAN_SEED = 20261206
END = dt.datetime(2026, 11, 20, 0, 0, 0, tzinfo=dt.timezone.utc)
SPAN_DAYS = 120
HERE = Path(__file__).resolve().parent
OUT = HERE / "reviews.jsonl"

GENERIC = {"restaurants": REST_GENERIC, "electronics": ELEC_GENERIC, "apps": APP_GENERIC}

SOURCES = {
    "restaurants": [("web-review", 0.84), ("survey", 0.16)],
    "electronics": [("web-review", 0.70), ("survey", 0.14), ("support-ticket", 0.14)],
    "apps": [("app-store", 0.72), ("survey", 0.12), ("support-ticket", 0.14)],
}

# Words that keep their capital letter when a sentence is joined after a comma.
KEEP_CAPS = {"I", "I'm", "I've", "I'd", "I'll", "Im", "Ive"}


class Picker:
    """Chooses from a bank while preferring the least-used entries, so that
    the same sentence is rarely repeated across the corpus."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: collections.Counter[str] = collections.Counter()

    def pick(self, bank: list[str]) -> str:
        weights = [1.0 / (1 + self.used[s]) ** 3 for s in bank]
        s = self.rng.choices(bank, weights=weights, k=1)[0]
        self.used[s] += 1
        return s


def build_proper_words() -> set[str]:
    words = set(KEEP_CAPS)
    for ent in ENTITIES:
        names = [ent["name"], *ent.get("short", [])]
        for key in ("dish", "dessert", "drink", "feat"):
            names += [n.rstrip("*") for n in ent.get("vars", {}).get(key, [])]
        for n in names:
            first = n.split()[0]
            if first[:1].isupper() and first.lower() not in {"the", "a"}:
                words.add(first)
    words |= {"Face", "Google", "Wi-Fi", "USB-C", "GPS", "Bluetooth", "Paris", "Tokyo", "Lisbon", "Sunday",
              "Saturday", "Friday", "Monday", "Tuesday", "Wednesday", "Thursday", "OLED", "PBT", "CSV", "Apple",
              "Android", "iPhone", "iPad", "Max", "Chianti", "Sancerre", "Burgundy", "Nonna-level"}
    return words


PROPER = build_proper_words()


def lc_first(s: str) -> str:
    """Lower-case the first letter of a sentence that continues another one."""
    if not s:
        return s
    first = re.split(r"[\s,.:;!?]", s, maxsplit=1)[0]
    if first in PROPER or first.rstrip("'s") in PROPER:
        return s
    if len(first) > 1 and any(c.isupper() for c in first[1:]):
        return s  # acronyms, CamelCase app names
    if not s[0].isalpha():
        return s
    return s[0].lower() + s[1:]


SUBJECT_START = set("""
The It It's Its My Our Their Your This That These Those There There's I I'm I've I'd We We're They They're
He She Everything Nothing Everyone Nobody Half Some Most All A An Each Every Even
Service Food Prices Price Portions Portion Battery Sound Screen Display Camera Setup Pairing Build Support Customer
Sync Syncing Notifications Ads Delivery Deliveries Takeout Dessert Drinks Staff Lighting Music Typing Keys Photos
Video Audio Calls Bass Colors Sauces Ingredients Salsas Tortillas Pancakes Ribs Brisket Burrata Onboarding Dark
Login Logging Search Searching Premium Voice GPS Step Heart Sleep Transactions Bank Offline Route Eggs Sides Meat
Performance Apps Scrolling Menus Buttons Text UI Charging Lid Reminders Spice Firmware Updates Regular Frequent
Viewing Blacks Glossy Standard Bugs Warranty Tracking Loading Battery Blue Lumo Nimbus Voltix Halden Brightwave
Calmly Snapcart PocketLedger TrailMate FitPulse Wayfarer Lingo Kestrel Orbit Pixform Aurel Trattoria Lucca Maison
Verdier Smokestack Green Saffron Copper El Fogón Rice Flavors Quality Zoom Portrait Selfies Noise Transparency
Stand Plastic Keycaps Guided Story Speaking Streaks Price Payment Checkout Order Driver Recipe Dressing Happy
Lunch Cash Parking Restrooms Tables Plates Cocktails Refills Pasta Mains Lots Sign Password Two-factor Cancelling
Constant Fast Wireless Basic Expect Packaging Shipping
""".split())


def has_subject(s: str) -> bool:
    """True when the sentence starts with a subject, so it can follow "but" or "That said,"."""
    first = re.split(r"[\s,.:;!?]", s, maxsplit=1)[0]
    return first in SUBJECT_START


def strip_end(s: str) -> str:
    return s.rstrip().rstrip(".!")


class Composer:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.picker = Picker(self.rng)

    # ---------- placeholders ----------
    def fill(self, template: str, ent: dict) -> str:
        rng = self.rng
        v = dict(VARS[ent["domain"]])
        v.update({k: val for k, val in ent.get("vars", {}).items()})
        v.setdefault("e", ent["name"])
        chosen: dict[str, str] = {}

        def repl(m: re.Match) -> str:
            key = m.group(1)
            base, _, suffix = key.partition("_")
            if key in chosen:
                return chosen[key]
            if base in ("dish", "dessert", "drink", "feat") and suffix in ("was", "is", "it", "has", "this"):
                item = chosen.get(base + "__raw") or self._choose_item(v, base, chosen)
                plural = item.endswith("*")
                forms = {"was": ("was", "were"), "is": ("is", "are"), "it": ("it", "them"),
                         "has": ("has", "have"), "this": ("this", "these")}
                return forms[suffix][plural]
            if key in ("dish", "dessert", "drink", "feat"):
                item = chosen.get(key + "__raw") or self._choose_item(v, key, chosen)
                return item.rstrip("*")
            if key == "name":
                val = rng.choice(ent.get("short", [ent["name"]]))
                chosen[key] = val
                return val
            if key in v:
                val = v[key]
                if isinstance(val, list):
                    val = rng.choice(val)
                chosen[key] = val
                return val
            if re.fullmatch(r"n\d", key):
                return "".join(rng.choice("0123456789") for _ in range(int(key[1])))
            if key == "ver":
                return f"{rng.randint(2, 6)}.{rng.randint(0, 14)}.{rng.randint(0, 9)}"
            if key == "mail":
                user = rng.choice(["j", "m", "a", "s", "k", "t", "r", "l"]) + "***"
                return f"{user}@{rng.choice(['example.com', 'example.org', 'example.net'])}"
            raise KeyError(f"unknown placeholder {{{key}}} in {template!r} for {ent['name']}")

        out = re.sub(r"\{([a-zA-Z_0-9]+)\}", repl, template)
        if out[:1].islower() and template[:1] == "{":
            out = out[0].upper() + out[1:]
        return out

    def _choose_item(self, v: dict, base: str, chosen: dict) -> str:
        item = self.rng.choice(v[base])
        chosen[base + "__raw"] = item
        return item

    # ---------- sampling ----------
    def polarity(self, ent: dict, aspect: str) -> str:
        _, p_pos, p_neg = ent["profile"][aspect]
        r = self.rng.random()
        if r < p_pos:
            return "pos"
        if r < p_pos + p_neg:
            return "neg"
        return "neu"

    def aspect_sentence(self, ent: dict, aspect: str, pol: str) -> str:
        generic = GENERIC[ent["domain"]].get(aspect, {}).get(pol, [])
        if aspect in ent.get("sig_only", ()):
            generic = []
        sig = ent.get("sig", {}).get(aspect, {}).get(pol, [])
        if sig and (not generic or self.rng.random() < 0.45):
            bank = sig
        elif generic:
            bank = generic
        else:
            # neither: fall back to the other non-neutral polarity's neutral bank
            bank = GENERIC[ent["domain"]].get(aspect, {}).get("neu") or ["It was okay."]
        return self.vary(self.fill(self.picker.pick(bank), ent), pol)

    def vary(self, s: str, pol: str) -> str:
        """Light surface variation: hedges, intensifiers and tags, as people write them."""
        rng = self.rng
        r = rng.random()
        if r < 0.07 and has_subject(s):
            return rng.choice(["Honestly, ", "Tbh ", "To be honest, ", "I have to say, ", "Overall, ",
                               "For what it's worth, ", "IMO "]) + lc_first(s)
        if r < 0.13 and pol != "neu" and s.endswith("."):
            tag = rng.choice([" imo", " tbh", ", honestly", ", seriously", " lol"]
                             if pol == "pos" else [" imo", " tbh", ", seriously", ", honestly", ". Ugh", ". Not great"])
            return s[:-1] + tag + "."
        if r < 0.2:
            for a, b in [(" really ", " super "), (" very ", " really "), (" pretty ", " quite "),
                         ("It's ", "It is "), (" isn't ", " is not "), (" don't ", " do not "),
                         (" super ", " really "), (" great", " excellent"), (" terrible", " awful")]:
                if a in s:
                    return s.replace(a, b, 1)
        return s

    def sample_aspects(self, ent: dict, k: int) -> list[str]:
        names = list(ent["profile"])
        weights = [ent["profile"][a][0] for a in names]
        out: list[str] = []
        while len(out) < min(k, len(names)):
            a = self.rng.choices(names, weights=weights, k=1)[0]
            if a not in out:
                out.append(a)
        return out

    # ---------- assembling ----------
    def join(self, parts: list[tuple[str, str]]) -> list[str]:
        """parts: (sentence, polarity). Returns sentences with connectors, some merged."""
        rng = self.rng
        out: list[str] = []
        prev_pol = None
        i = 0
        while i < len(parts):
            s, pol = parts[i]
            nxt = parts[i + 1] if i + 1 < len(parts) else None
            if (nxt and {pol, nxt[1]} == {"pos", "neg"} and len(s) + len(nxt[0]) < 150 and has_subject(nxt[0])
                    and rng.random() < 0.5):
                glues = [", but ", ", but ", " but ", " - but ", ", though ", "; however, ", ", although "]
                glue = rng.choice(glues)
                s = strip_end(s) + glue + lc_first(nxt[0])
                if not s.endswith((".", "!", "?")):
                    s += "."
                out.append(self.connect(s, prev_pol, pol, first=not out))
                prev_pol = nxt[1]
                i += 2
                continue
            if (nxt and pol == nxt[1] and pol != "neu" and len(s) + len(nxt[0]) < 110 and has_subject(nxt[0])
                    and rng.random() < 0.15):
                s = strip_end(s) + rng.choice([", and ", " and ", ", plus "]) + lc_first(nxt[0])
                if not s.endswith((".", "!", "?")):
                    s += "."
                out.append(self.connect(s, prev_pol, pol, first=not out))
                prev_pol = pol
                i += 2
                continue
            out.append(self.connect(s, prev_pol, pol, first=not out))
            prev_pol = pol
            i += 1
        return out

    def connect(self, s: str, prev: str | None, pol: str, first: bool) -> str:
        rng = self.rng
        if first or prev is None or not has_subject(s):
            return s
        r = rng.random()
        if prev == "pos" and pol == "neg" and r < 0.45:
            c = rng.choice(["That said, ", "Unfortunately, ", "On the downside, ", "But ", "Sadly, ",
                            "The one letdown: ", "My only complaint: ", "On the other hand, ", "However, "])
        elif prev == "neg" and pol == "pos" and r < 0.45:
            c = rng.choice(["On the bright side, ", "To be fair, ", "Still, ", "That said, ", "On the plus side, ",
                            "Credit where it's due: ", "In fairness, "])
        elif prev == pol and pol != "neu" and r < 0.22:
            c = rng.choice(["Also, ", "Plus, ", "And ", "Oh and ", "Also ", "On top of that, "])
        else:
            return s
        return c + lc_first(s)

    def overall(self, pols: list[str], ent: dict) -> int:
        pos = pols.count("pos")
        neg = pols.count("neg")
        if pos + neg == 0:
            score = ent.get("bias", 0.0) * 0.5 + self.rng.gauss(0, 0.25)
        else:
            score = (pos - neg) / (pos + neg + 0.4) + self.rng.gauss(0, 0.25) + ent.get("bias", 0.0) * 0.3
        if score > 0.6:
            return 5 if self.rng.random() < 0.8 else 4
        if score > 0.25:
            return 4
        if score > -0.25:
            return 3
        if score > -0.7:
            return 2
        return 1 if self.rng.random() < 0.65 else 2

    def review(self, ent: dict, source: str) -> tuple[str, int]:
        rng = self.rng
        dom = ent["domain"]
        r = rng.random()
        if r < 0.05:
            tone = rng.choices(["pos", "neg", "neu"], weights=[5 + 10 * ent.get("bias", 0), 4, 3])[0]
            text = self.fill(self.picker.pick(NO_ASPECT[dom][tone] + NO_ASPECT["any"][tone]), ent)
            rating = {"pos": rng.choice([4, 5, 5]), "neg": rng.choice([1, 1, 2]), "neu": rng.choice([3, 3, 4, 2])}[tone]
            return text, rating
        if r < 0.30:
            k = 1
        elif r < 0.60:
            k = 2
        elif r < 0.80:
            k = 3
        elif r < 0.90:
            k = 4
        else:
            k = rng.choice([4, 5, 5, 6])
        long = k >= 5
        aspects = self.sample_aspects(ent, k)
        parts = []
        for a in aspects:
            pol = self.polarity(ent, a)
            parts.append((self.aspect_sentence(ent, a, pol), pol))
        pols = [p for _, p in parts]
        rating = self.overall(pols, ent)
        sentences = self.join(parts)
        if long or rng.random() < 0.28:
            sentences.insert(0, self.fill(self.picker.pick(OPENERS[dom]), ent))
        tone = "pos" if rating >= 4 else "neg" if rating <= 2 else "mix"
        if long or rng.random() < 0.22:
            sentences.append(self.fill(self.picker.pick(CLOSERS[dom][tone] + CLOSERS["any"][tone]), ent))
        if source != "survey" and rng.random() < 0.07:
            sentences.insert(0, self.picker.pick(HEADLINES[tone]))
        if long and rng.random() < 0.3:
            cut = rng.randint(2, len(sentences) - 2)
            text = " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        else:
            text = " ".join(sentences)
        return text, rating

    def ticket(self, ent: dict) -> str:
        rng = self.rng
        t = TICKETS[ent["domain"]]
        own = ent.get("ticket", [])
        kinds = ["tech", "order" if "order" in t else "billing", "question", "own"]
        kind = rng.choices(kinds, weights=[4, 3, 1.5, 3 if own else 0])[0]
        if kind == "own":
            problem = self.fill(self.picker.pick(own), ent)
            kind = "question" if problem.endswith("?") else "tech"
        else:
            problem = self.fill(self.picker.pick(t[kind]), ent)
        parts = [problem]
        if kind != "question" and rng.random() < 0.45:
            parts.append(self.fill(self.picker.pick(t["detail_" + kind]), ent))
        if kind == "tech" and rng.random() < 0.55:
            parts.append(self.fill(self.picker.pick(t["tried"]), ent))
        if kind != "question":
            parts.append(self.fill(self.picker.pick(t["ask_" + kind]), ent))
        if rng.random() < 0.45:
            parts.append(self.fill(rng.choice(t["ref"]), ent))
        sep = "\n" if rng.random() < 0.35 else " "
        body = sep.join(parts)
        if rng.random() < 0.75:
            body = rng.choice(t["greeting"]) + "\n" + body
        if rng.random() < 0.4:
            body += "\n" + rng.choice(t["signoff"])
        return body

    # ---------- surface noise ----------
    TYPO_WORDS = {
        "definitely": "definately", "recommend": "reccomend", "restaurant": "restaraunt", "separate": "seperate",
        "receive": "recieve", "because": "becuase", "really": "realy", "though": "tho", "probably": "prolly",
        "you": "u", "would": "woud", "their": "there", "experience": "experiance", "which": "wich",
        "disappointed": "dissapointed", "until": "untill", "waiter": "waitor", "battery": "batery",
        "notifications": "notifcations", "subscription": "subscripton", "keyboard": "keybaord",
    }

    def noisy(self, text: str, source: str, rating: int | None = None) -> str:
        rng = self.rng
        p_typo = 0.16 if source == "app-store" else 0.08
        if rng.random() < p_typo:
            ops = rng.sample(["word", "apostrophe", "swap", "lower", "punct"], k=rng.choice([1, 1, 2]))
            for op in ops:
                if op == "word":
                    cands = [w for w in self.TYPO_WORDS if re.search(rf"\b{w}\b", text)]
                    if cands:
                        w = rng.choice(cands)
                        text = re.sub(rf"\b{w}\b", self.TYPO_WORDS[w], text, count=1)
                elif op == "apostrophe":
                    text = re.sub(r"\b(don|doesn|didn|can|won|isn|wasn|it|I)'(t|s|m)\b",
                                  lambda m: m.group(1) + m.group(2), text)
                    text = text.replace("Im ", "im ") if rng.random() < 0.5 else text
                elif op == "swap":
                    words = [m for m in re.finditer(r"\b[a-z]{6,}\b", text)]
                    if words:
                        m = rng.choice(words)
                        w = m.group(0)
                        j = rng.randrange(1, len(w) - 2)
                        w2 = w[:j] + w[j + 1] + w[j] + w[j + 2:]
                        text = text[: m.start()] + w2 + text[m.end():]
                elif op == "lower":
                    text = text.lower()
                elif op == "punct":
                    text = re.sub(r"[.]$", rng.choice(["", "!!", "!!!", "..", " lol"]), text)
        p_emoji = 0.16 if source == "app-store" else 0.0 if source == "support-ticket" else 0.06
        if rng.random() < p_emoji:
            tone = "neu" if rating is None or rating == 3 else "pos" if rating >= 4 else "neg"
            bank = EMOJI[tone]
            e = rng.choice(bank)
            if rng.random() < 0.3:
                e = e * rng.choice([2, 3])
            text = text + (" " if rng.random() < 0.8 else "") + e
        return text


def weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=1)[0]


def timestamp(rng: random.Random) -> str:
    day = rng.randrange(0, SPAN_DAYS)
    # people write more in the evening; tickets come in during the day, but keep it simple
    hour = rng.choices(range(24), weights=[2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 5, 5, 5, 6, 7, 8, 8, 7, 5, 3])[0]
    t = END - dt.timedelta(days=day + 1) + dt.timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(seed: int = SEED) -> list[dict]:
    c = Composer(seed)
    rng = c.rng
    authors = [f"u{rng.randrange(10**6, 10**7)}" for _ in range(950)]
    records: list[dict] = []
    seen: set[str] = set()
    for ent in ENTITIES:
        for _ in range(ent["count"]):
            source = weighted(rng, SOURCES[ent["domain"]])
            for attempt in range(12):
                if source == "support-ticket":
                    text, rating = c.ticket(ent), None
                else:
                    text, rating = c.review(ent, source)
                text = c.noisy(text, source, rating)
                if text not in seen or (attempt >= 10 and len(text) < 25):
                    break
            seen.add(text)
            rec = {"source": source, "entity": ent["name"], "domain": ent["domain"], "text": text}
            records.append(rec | {"_rating": rating})
    for h in HANDWRITTEN:
        ent = next(e for e in ENTITIES if e["name"] == h["entity"])
        records.append({"source": h["source"], "entity": ent["name"], "domain": ent["domain"], "text": h["text"],
                        "_rating": h["rating"]})
    for f in FOREIGN:
        ent = next(e for e in ENTITIES if e["name"] == f["entity"])
        source = weighted(rng, [s for s in SOURCES[ent["domain"]] if s[0] != "support-ticket"])
        records.append({"source": source, "entity": ent["name"], "domain": ent["domain"], "text": f["text"],
                        "_rating": f["rating"], "_lang": f["lang"], "_foreign": True})

    out: list[dict] = []
    for rec in records:
        ts = timestamp(rng)
        row = {"source": rec["source"], "source_id": "", "entity": rec["entity"], "domain": rec["domain"],
               "text": rec["text"], "created_at": ts}
        if rec.get("_foreign"):
            if rng.random() < 0.5:
                row["lang"] = rec["_lang"]
        elif rng.random() < 0.2:
            row["lang"] = "en"
        if rng.random() < 0.65:
            row["author_id"] = rng.choice(authors)
        meta: dict[str, str] = {}
        if rec["source"] == "support-ticket":
            meta["channel"] = rng.choice(["email", "email", "chat", "web-form"])
            meta["priority"] = rng.choice(["normal", "normal", "normal", "high", "low"])
        else:
            meta["rating"] = str(rec["_rating"])
        if rec["source"] == "app-store":
            meta["store"] = rng.choice(["ios", "ios", "android", "android", "android"])
            if rng.random() < 0.6:
                meta["app_version"] = f"{rng.randint(2, 6)}.{rng.randint(0, 14)}.{rng.randint(0, 9)}"
        row["metadata"] = meta
        out.append(row)
    out.sort(key=order)
    for i, row in enumerate(out, 1):
        row["source_id"] = f"rev-{i:06d}"
    korean = korean_rows(set(authors))
    for i, row in enumerate(korean, len(out) + 1):
        row["source_id"] = f"rev-{i:06d}"
    # A stable sort keeps the earlier lines in their order; the Korean ones fall in by date.
    return sorted(out + korean, key=order)


def order(row: dict) -> tuple[str, str, str]:
    return row["created_at"], row["entity"], row["text"]


def korean_rows(taken_authors: set[str]) -> list[dict]:
    """The hand-written Korean reviews, dated and annotated like the other lines. Half of them
    carry lang "ko" and the rest are left to language detection; their authors are new ones."""
    rng = random.Random(KOREAN_SEED)
    authors: list[str] = []
    while len(authors) < 60:
        a = f"u{rng.randrange(10**6, 10**7)}"
        if a not in taken_authors and a not in authors:
            authors.append(a)
    texts = [(name, rating, text) for name, reviews in KOREAN.items() for rating, text in reviews]
    hinted = set(rng.sample(range(len(texts)), len(texts) // 2))
    rows: list[dict] = []
    for i, (name, rating, text) in enumerate(texts):
        ent = next(e for e in ENTITIES if e["name"] == name)
        source = "app-store" if ent["domain"] == "apps" else "web-review"
        row = {"source": source, "source_id": "", "entity": name, "domain": ent["domain"], "text": text,
               "created_at": timestamp(rng)}
        if i in hinted:
            row["lang"] = "ko"
        if rng.random() < 0.65:
            row["author_id"] = rng.choice(authors)
        meta = {"rating": str(rating)}
        if source == "app-store":
            meta["store"] = rng.choice(["ios", "ios", "android", "android", "android"])
            if rng.random() < 0.6:
                meta["app_version"] = f"{rng.randint(2, 6)}.{rng.randint(0, 14)}.{rng.randint(0, 9)}"
        row["metadata"] = meta
        rows.append(row)
    rows.sort(key=order)
    return rows


def stats(rows: list[dict], picker_used: collections.Counter | None = None) -> None:
    from collections import Counter

    print(f"total: {len(rows)}")
    print("by domain:", dict(Counter(r["domain"] for r in rows)))
    print("by source:", dict(Counter(r["source"] for r in rows)))
    by_ent = Counter((r["domain"], r["entity"]) for r in rows)
    for (d, e), n in sorted(by_ent.items()):
        print(f"  {d:12s} {e:28s} {n}")
    texts = [r["text"] for r in rows]
    print(f"unique texts: {len(set(texts))} / {len(texts)} = {len(set(texts)) / len(texts):.1%}")
    sents = Counter()
    for t in texts:
        for s in re.split(r"(?<=[.!?])\s+|\n+", t):
            s = s.strip()
            if len(s) > 12:
                sents[s] += 1
    total = sum(sents.values())
    print(f"sentences: {total}, distinct: {len(sents)}")
    for thr in (1, 2, 3, 5, 8):
        n = sum(1 for s, c in sents.items() if c > thr)
        print(f"  distinct sentences repeated more than {thr}x: {n} ({n / len(sents):.1%})")
    print("  most repeated:", sents.most_common(8))
    lens = Counter()
    for t in texts:
        k = len([s for s in re.split(r"(?<=[.!?])\s+|\n+", t) if s.strip()])
        lens["1" if k == 1 else "2-3" if k <= 3 else "4" if k == 4 else "5-8" if k <= 8 else "9+"] += 1
    print("sentences per text:", dict(sorted(lens.items())))
    print("with non-ascii:", sum(1 for t in texts if any(ord(ch) > 127 for ch in t)))
    print("lang field:", dict(Counter(r.get("lang", "-") for r in rows)))
    print("ratings:", dict(sorted(Counter(r["metadata"].get("rating", "-") for r in rows).items())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--stats", action="store_true")
    args = ap.parse_args()
    rows = generate()
    with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.stats:
        stats(rows)
    print(f"wrote {len(rows)} records to {args.out}")


if __name__ == "__main__":
    main()
