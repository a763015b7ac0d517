"""Writes train.jsonl: English review sentences generated from templates written for this project, for the
phenomena benchmark sentences rarely show (negated negative words, double negation, emoji-only opinions,
sarcasm, implicit sentiment, misspelt opinion words), each with counter-examples so that no shortcut
("negation flips", "love is sarcastic", "an emoji is positive") fits the data.

    python3 models/data/en-phenomena/build.py          # rewrites train.jsonl (seeded, deterministic)
    python3 models/data/en-phenomena/build.py --check  # exits 1 if train.jsonl is not what it would write

Never derived from models/absa-challenge (its test half is for reporting only): the lexicon and the
templates below are this file's own. Format: the shared ABSA JSONL (id, text, lang, aspects with UTF-16
offsets and polarity, phenomenon).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261206
PER_PATTERN = 40

# aspect -> (is plural, negative adjectives, positive adjectives)
FOOD = ["lasagna", "chicken curry", "burrito", "risotto", "omelette", "pork buns", "clam chowder", "gnocchi",
        "fish and chips", "pad thai", "meatballs", "brisket", "lamb chops", "waffles", "spring rolls", "ravioli",
        "sandwich", "noodle soup", "kebab", "tuna tartare", "pancakes", "salmon", "cheesecake", "nachos"]
FOOD_NEG = ["bland", "greasy", "cold", "overcooked", "too salty", "dry", "soggy", "stale", "undercooked",
            "tasteless", "burnt", "watery", "rubbery", "lukewarm"]
FOOD_POS = ["delicious", "fresh", "tasty", "perfectly cooked", "flavorful", "amazing", "excellent", "juicy",
            "crispy", "well seasoned"]
STAFF = ["waiter", "waitress", "server", "hostess", "barista", "manager", "cashier", "staff", "bartender",
         "delivery driver", "front desk", "chef"]
STAFF_NEG = ["rude", "unfriendly", "unhelpful", "dismissive", "slow", "careless", "impatient", "inattentive",
             "grumpy", "clueless"]
STAFF_POS = ["friendly", "helpful", "attentive", "kind", "welcoming", "patient", "professional", "polite"]
PLACE = ["dining room", "patio", "interior", "music", "lighting", "restroom", "terrace", "seating", "ambience"]
PLACE_NEG = ["noisy", "cramped", "dirty", "gloomy", "tacky", "stuffy", "loud", "shabby"]
PLACE_POS = ["cozy", "clean", "charming", "relaxing", "lovely", "spacious", "pleasant", "stylish"]
DEVICE = ["battery", "touchscreen", "keyboard", "trackpad", "speakers", "webcam", "microphone", "charger",
          "power button", "headphones", "earbuds", "monitor", "router", "smartwatch", "hard drive", "printer",
          "remote", "stylus", "fingerprint reader", "cooling fan"]
DEVICE_NEG = ["flimsy", "unreliable", "slow", "noisy", "cheap", "weak", "laggy", "unresponsive", "tinny",
              "faulty", "fragile", "clunky"]
DEVICE_POS = ["reliable", "fast", "sturdy", "responsive", "solid", "excellent", "great", "quiet", "crisp",
              "well built"]
SOFTWARE = ["app", "update", "interface", "checkout page", "search function", "settings menu", "sync feature",
            "installer", "navigation", "login screen", "notification system", "password reset"]
SOFT_NEG = ["buggy", "confusing", "slow", "clunky", "broken", "unstable", "cluttered", "frustrating"]
SOFT_POS = ["intuitive", "smooth", "fast", "clean", "simple", "stable", "well designed", "handy"]
GROUPS = [(FOOD, FOOD_NEG, FOOD_POS, "food"), (STAFF, STAFF_NEG, STAFF_POS, "staff"),
          (PLACE, PLACE_NEG, PLACE_POS, "place"), (DEVICE, DEVICE_NEG, DEVICE_POS, "device"),
          (SOFTWARE, SOFT_NEG, SOFT_POS, "software")]
PLURAL = {"pork buns", "meatballs", "lamb chops", "waffles", "spring rolls", "ravioli", "pancakes", "nachos",
          "staff", "speakers", "headphones", "earbuds", "gnocchi"}

# what goes wrong (implicit negative) and right (implicit positive) without an opinion word
FAILS = {
    "food": ["arrived {time} after we ordered", "came out half frozen", "had a long hair in it",
             "was sent back twice", "sat on the counter for {time} before anyone brought it",
             "was missing half the ingredients listed on the menu"],
    "staff": ["forgot our order twice", "never came back after taking our drinks order",
              "charged us for dishes we never had", "kept us waiting {time} at the counter",
              "walked away while I was still talking", "brought the wrong table's food"],
    "place": ["had a leak dripping onto our table", "smelled of bleach the whole evening",
              "was so dark we read the menu with our phones", "had two broken chairs at our table"],
    "device": ["stopped working after {time}", "died {time} after I unplugged it",
               "cracked the first time I dropped it from the desk", "overheats after {time} of use",
               "disconnects every few minutes", "needs a restart {time}"],
    "software": ["logs me out every few minutes", "crashes whenever I open the camera",
                 "lost all my saved settings overnight", "takes {time} to load a single page",
                 "freezes every time I try to pay", "deleted my drafts after the last restart"],
}
WINS = {
    "food": ["was gone in a minute and we ordered another", "made us come back the very next day",
             "is the reason we drive across town every Friday", "was cleaned off every plate at our table"],
    "staff": ["remembered our names from last month", "brought a free dessert for my daughter's birthday",
              "found us a table on a fully booked night", "walked me through every option without rushing"],
    "place": ["made us stay two hours longer than planned", "had a quiet corner just for us",
              "is where we now take every visiting friend"],
    "device": ["still lasts two full days on one charge", "survived a fall down the stairs without a scratch",
               "paired with my laptop in two seconds", "still runs like new after three years"],
    "software": ["opens in under a second", "saved me an hour on my taxes",
                 "synced everything across my devices within seconds", "has not crashed once in a year"],
}
TIMES = ["an hour", "forty minutes", "two days", "a week", "ten minutes", "three hours", "twenty minutes"]
POS_EMOJI = ["😍", "🔥", "👌", "👍", "💯", "❤️", "🥰", "😋", "🤩", "🙌", "✨", "😊", "👏", "⭐⭐⭐⭐⭐", "💖", "🤤", "😁"]
NEG_EMOJI = ["👎", "😡", "🤮", "😤", "💩", "😞", "😩", "🙄", "😒", "😠", "🤢", "😫", "💔", "😭"]
# misspelt opinion words; the food-only ones go with food aspects
MISSPELT_NEG = {"terrible": ["terible", "terrable", "teribble"], "awful": ["aweful", "awfull", "offal"],
                "horrible": ["horible", "horrable"], "mediocre": ["medicore", "mediocer"],
                "disappointing": ["dissapointing", "disapointing"]}
MISSPELT_POS = {"excellent": ["excelent", "exellent"], "amazing": ["amazin", "amazng"],
                "decent": ["descent", "decant"], "fantastic": ["fantastik", "fantasic"],
                "beautiful": ["beautifull", "beatiful"]}
MISSPELT_FOOD = ({"disgusting": ["disgustin", "discusting"]}, {"delicious": ["delicous", "delishus", "delicius"]})


def be(aspect: str, past: bool) -> str:
    plural = aspect in PLURAL
    return ("were" if plural else "was") if past else ("are" if plural else "is")


def cap(text: str) -> str:
    return text[0].upper() + text[1:]


class Writer:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.seen: set[str] = set()

    def add(self, phenomenon: str, text: str, aspects: list[tuple[str, str]]) -> None:
        """aspects: (term, polarity), found in the text in order."""
        if text in self.seen:
            return
        spans, at = [], 0
        for term, polarity in aspects:
            i = text.find(term, at)
            if i < 0:
                raise ValueError(f"{term!r} not in {text!r}")
            # offsets in UTF-16 code units, as the shared format has them
            start = len(text[:i].encode("utf-16-le")) // 2
            spans.append({"term": term, "from": start, "to": start + len(term.encode("utf-16-le")) // 2,
                          "polarity": polarity})
            at = i + len(term)
        self.seen.add(text)
        self.rows.append({"id": f"en-phenomena-{len(self.rows):05d}", "text": text, "lang": "en",
                          "aspects": spans, "phenomenon": phenomenon})


def build() -> list[dict]:
    rng = random.Random(SEED)
    w = Writer()

    def pick():
        aspects, neg, pos, kind = rng.choice(GROUPS)
        return rng.choice(aspects), rng.choice(neg), rng.choice(pos), kind

    for _ in range(PER_PATTERN * 4):
        a, n, p, _k = pick()
        past = rng.random() < 0.5
        b = be(a, past)
        neg_b = {"was": "wasn't", "were": "weren't", "is": "isn't", "are": "aren't"}[b]
        # negated negative -> positive; negated positive -> negative (the counter-example)
        t = rng.choice([f"The {a} {b} not {n} at all.", f"The {a} {neg_b} {n}, to be fair.",
                        f"Honestly, the {a} {b} never {n}.", f"The {a} {neg_b} {n} in the slightest.",
                        f"Contrary to the reviews, the {a} {neg_b} {n}.", f"The {a} {b} not {n} this time."])
        w.add("negated_negative", t, [(a, "positive")])
        t = rng.choice([f"The {a} {b} not {p} at all.", f"The {a} {neg_b} {p}, sadly.",
                        f"Sadly the {a} {b} never {p}.", f"The {a} {neg_b} very {p}.",
                        f"Despite the hype, the {a} {neg_b} {p}."])
        w.add("negated_negative", t, [(a, "negative")])
        t = rng.choice([f"The {a} {b} not bad at all.", f"Not bad, the {a}.", f"The {a} {neg_b} bad."])
        w.add("negated_negative", t, [(a, "positive")])

    for _ in range(PER_PATTERN * 3):
        a, n, p, _k = pick()
        b = be(a, True)
        neg_b = {"was": "wasn't", "were": "weren't"}[b]
        t = rng.choice([f"I wouldn't say the {a} {b} {n}.", f"I can't say the {a} {b} {n}.",
                        f"Nobody could call the {a} {n}.", f"I'd never say the {a} {b} not {p}.",
                        f"It's not that the {a} {neg_b} {p}.", f"I can't complain that the {a} {b} {n}.",
                        f"You won't hear me say the {a} {b} {n}.", f"It isn't true that the {a} {b} {n}."])
        w.add("double_negation", t, [(a, "positive")])
        t = rng.choice([f"I wouldn't say the {a} {b} {p}.", f"I can't say the {a} {b} {p}.",
                        f"Nobody would call the {a} {p}.", f"I wouldn't call the {a} {p}, no."])
        w.add("double_negation", t, [(a, "negative")])

    for _ in range(PER_PATTERN * 4):
        a, _n, _p, _k = pick()
        pe = "".join(rng.choice(POS_EMOJI) for _ in range(rng.randint(1, 3)))
        ne = "".join(rng.choice(NEG_EMOJI) for _ in range(rng.randint(1, 3)))
        t = rng.choice([f"{cap(a)} {pe}", f"The {a} {be(a, False)} {pe}", f"{cap(a)}: {pe}", f"That {a} {pe}"])
        w.add("emoji", t, [(cap(a) if t.startswith(cap(a)) else a, "positive")])
        t = rng.choice([f"{cap(a)} {ne}", f"The {a} {be(a, False)} {ne}", f"{cap(a)}: {ne}", f"That {a} {ne}"])
        w.add("emoji", t, [(cap(a) if t.startswith(cap(a)) else a, "negative")])

    for _ in range(PER_PATTERN * 3):
        aspects, _neg, pos, kind = rng.choice(GROUPS)
        a = rng.choice(aspects)
        fail = rng.choice(FAILS[kind]).format(time=rng.choice(TIMES))
        win = rng.choice(WINS[kind])
        t = rng.choice([f"Oh great, the {a} {fail}.", f"I just love how the {a} {fail}.",
                        f"Fantastic, the {a} {fail}.", f"What a treat: the {a} {fail}.",
                        f"Wonderful {a}, it {fail}.", f"Ten out of ten {a}, it only {fail}.",
                        f"Thanks a lot for the {a} that {fail}.", f"Just perfect, the {a} {fail}."])
        w.add("sarcasm", t, [(a, "negative")])
        # genuine praise with the same openers
        t = rng.choice([f"I just love how the {a} {win}.", f"Oh, the {a} {be(a, False)} {rng.choice(pos)}.",
                        f"Fantastic {a}, it {win}.", f"Just perfect, the {a} {be(a, True)} {rng.choice(pos)}."])
        w.add("sarcasm", t, [(a, "positive")])

    for _ in range(PER_PATTERN * 3):
        aspects, _neg, _pos, kind = rng.choice(GROUPS)
        a = rng.choice(aspects)
        fail = rng.choice(FAILS[kind]).format(time=rng.choice(TIMES))
        win = rng.choice(WINS[kind])
        w.add("implicit", rng.choice([f"The {a} {fail}.", f"Our {a} {fail}.", f"My {a} {fail}."]), [(a, "negative")])
        w.add("implicit", rng.choice([f"The {a} {win}.", f"Our {a} {win}.", f"My {a} {win}."]), [(a, "positive")])

    for _ in range(PER_PATTERN * 2):
        a, _n, _p, kind = pick()
        b = be(a, rng.random() < 0.5)
        food = kind == "food"
        _right, wrongs = rng.choice(list({**MISSPELT_NEG, **(MISSPELT_FOOD[0] if food else {})}.items()))
        w.add("misspelling", rng.choice([f"The {a} {b} {rng.choice(wrongs)}.", f"{cap(rng.choice(wrongs))} {a}."]),
              [(a, "negative")])
        _right, wrongs = rng.choice(list({**MISSPELT_POS, **(MISSPELT_FOOD[1] if food else {})}.items()))
        w.add("misspelling", rng.choice([f"The {a} {b} {rng.choice(wrongs)}.", f"{cap(rng.choice(wrongs))} {a}."]),
              [(a, "positive")])
    return w.rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in build())
    path = os.path.join(HERE, "train.jsonl")
    if args.check:
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        sys.exit(0 if current == text else f"{path} is stale: run {__file__}")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{path}: {text.count(chr(10))} sentences")


if __name__ == "__main__":
    main()
