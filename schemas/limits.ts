/**
 * Limits of the text.raw.v1 contract that every producer and the ABSA processor must count the same
 * way. Text length is counted in UTF-16 code units (a JavaScript string's `length`, Java's
 * `String.length()`): the unit the processor checks (ABSA_MAX_TEXT_CHARS, default 20000) and the unit
 * every offset in sentiment.* is given in. A character outside the Basic Multilingual Plane (most
 * emoji) counts as 2.
 */
export const RAW_TEXT_MAX_UTF16_UNITS = 20_000;
