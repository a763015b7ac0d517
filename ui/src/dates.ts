/** The date filters: whole local days in the address (YYYY-MM-DD), RFC 3339 instants for the API. */
const DAY = 86_400_000;

export function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function defaultRange(days = 30): { from: string; to: string } {
  const today = new Date();
  return { from: isoDay(new Date(today.getTime() - (days - 1) * DAY)), to: isoDay(today) };
}

function localMidnight(day: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** `from` day at 00:00 and the day after `to` at 00:00 (the API's `to` is exclusive). */
export function apiRange(from: string | null, to: string | null): { from?: string; to?: string } {
  const d = defaultRange();
  const f = localMidnight(from ?? d.from) ?? localMidnight(d.from)!;
  const t = localMidnight(to ?? d.to) ?? localMidnight(d.to)!;
  const end = new Date(t.getFullYear(), t.getMonth(), t.getDate() + 1);
  return { from: f.toISOString(), to: end.toISOString() };
}
