/**
 * Progress on stderr: a redrawn bar with rate and ETA on a terminal, plain lines (at most every few
 * seconds) when stderr is not a TTY, e.g. in CI logs.
 */
export interface ProgressState {
  bytesRead: number;
  totalBytes: number;
  read: number;
  published: number;
  rejected: number;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly isTTY = Boolean(process.stderr.isTTY),
    private readonly plainEveryMs = 5000,
  ) {}

  line(state: ProgressState): string {
    const elapsed = (performance.now() - this.started) / 1000;
    const fraction = state.totalBytes > 0 ? Math.min(1, state.bytesRead / state.totalBytes) : 1;
    const rate = elapsed > 0 ? state.read / elapsed : 0;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Infinity;
    const pct = `${(fraction * 100).toFixed(1)}%`;
    const counts = `${state.read} read, ${state.published} published, ${state.rejected} rejected`;
    const speed = `${Math.round(rate)} docs/s`;
    if (this.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct.padStart(6)} ${counts} | ${speed} | ETA ${duration(eta)}`;
    }
    return `progress: ${pct} ${counts}, ${speed}, ETA ${duration(eta)}`;
  }

  update(state: ProgressState, force = false): void {
    const now = performance.now();
    const every = this.isTTY ? 100 : this.plainEveryMs;
    if (!force && now - this.lastDraw < every) return;
    this.lastDraw = now;
    if (this.isTTY) this.stream.write(`\r\x1b[2K${this.line(state)}`);
    else this.stream.write(`${this.line(state)}\n`);
  }

  done(state: ProgressState): void {
    this.update(state, true);
    if (this.isTTY) this.stream.write('\n');
  }
}
