"""Hand-written sentence banks and entities for the aspect-stream sample corpus.

All text below was written for aspect-stream (Apache-2.0). Entity names are fictional.
Placeholders in braces are filled by generate.py:
  {e} full entity name, {name} a short name, {dish}/{dessert}/{drink}/{feat} an item of the
  entity (a trailing * marks a plural item; {dish_was}, {dish_is}, {dish_it}, {feat_is}, ...
  agree with it), and the per-domain and per-entity variables in VARS and "vars".
"""

from __future__ import annotations

from domain_restaurants import REST_ENTITIES, REST_GENERIC
from domain_electronics import ELEC_ENTITIES, ELEC_GENERIC
from domain_apps import APP_ENTITIES, APP_GENERIC
from korean_reviews import KOREAN
from shared_banks import CLOSERS, EMOJI, FOREIGN, HANDWRITTEN, HEADLINES, NO_ASPECT, OPENERS, TICKETS, VARS

ENTITIES = REST_ENTITIES + ELEC_ENTITIES + APP_ENTITIES

__all__ = [
    "APP_GENERIC",
    "CLOSERS",
    "ELEC_GENERIC",
    "EMOJI",
    "ENTITIES",
    "FOREIGN",
    "HANDWRITTEN",
    "HEADLINES",
    "KOREAN",
    "NO_ASPECT",
    "OPENERS",
    "REST_GENERIC",
    "TICKETS",
    "VARS",
]
