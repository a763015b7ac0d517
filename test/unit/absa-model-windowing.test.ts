import { expect } from 'chai';
import {
  ownedRanges,
  planBatches,
  planWindows,
  windowAround,
} from '../../stream-processors/absa/model/windowing.js';

describe('ABSA model windowing', () => {
  it('uses one window when the text fits', () => {
    expect(planWindows(10, 126, 32)).to.deep.equal([{ start: 0, end: 10 }]);
    expect(planWindows(126, 126, 32)).to.deep.equal([{ start: 0, end: 126 }]);
    expect(planWindows(0, 126, 32)).to.deep.equal([{ start: 0, end: 0 }]);
  });

  it('covers a long text with full-size windows overlapping by at least the overlap', () => {
    for (const n of [127, 200, 253, 1000]) {
      const windows = planWindows(n, 126, 32);
      expect(windows[0]!.start).to.equal(0);
      expect(windows[windows.length - 1]!.end).to.equal(n);
      for (const w of windows) expect(w.end - w.start).to.equal(126);
      for (let k = 1; k < windows.length; k++) {
        expect(windows[k - 1]!.end - windows[k]!.start).to.be.at.least(32);
      }
    }
  });

  it('gives every token to exactly one window, away from window edges', () => {
    const windows = planWindows(300, 100, 20);
    const owned = ownedRanges(windows);
    let next = 0;
    owned.forEach((range, k) => {
      expect(range.start).to.equal(next);
      expect(range.start).to.be.at.least(windows[k]!.start);
      expect(range.end).to.be.at.most(windows[k]!.end);
      next = range.end;
    });
    expect(next).to.equal(300);
    // a split point sits in the middle of the overlap: 10 tokens of context on each side
    expect(owned[0]!.end - windows[1]!.start).to.equal(10);
  });

  it('centres a targeted window on its target and keeps it inside the text', () => {
    expect(windowAround(50, 100, 10, 12)).to.deep.equal({ start: 0, end: 50 });
    expect(windowAround(500, 100, 250, 252)).to.deep.equal({ start: 201, end: 301 });
    expect(windowAround(500, 100, 5, 7)).to.deep.equal({ start: 0, end: 100 });
    expect(windowAround(500, 100, 495, 498)).to.deep.equal({ start: 400, end: 500 });
    expect(windowAround(500, 100, 10, 300)).to.deep.equal({ start: 10, end: 110 });
  });

  it('rejects an overlap that leaves no progress', () => {
    expect(() => planWindows(500, 10, 10)).to.throw(RangeError);
  });

  describe('planBatches', () => {
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

    it('fills batches up to the cap when the rows are the same length', () => {
      expect(planBatches(Array(70).fill(20), 32)).to.deep.equal([32, 32, 6]);
    });

    it("keeps short rows out of a long row's batch, so they are not padded to its length", () => {
      const lengths = [60, 58, 55, 12, 11, 10, 10, 9, 8, 8];
      const sizes = planBatches(lengths, 32);
      expect(sizes).to.deep.equal([3, 7]);
    });

    it('puts a handful of rows of similar length in one run instead of one run each', () => {
      expect(planBatches([22, 20, 19, 18, 17], 32)).to.deep.equal([5]);
    });

    it('covers every row once, in order, within the cap', () => {
      const lengths = Array.from({ length: 200 }, (_, i) => 120 - ((i * 37) % 115)).sort((a, b) => b - a);
      const sizes = planBatches(lengths, 16);
      expect(sum(sizes)).to.equal(200);
      for (const s of sizes) expect(s).to.be.within(1, 16);
    });

    it('plans nothing for no rows and refuses a cap below one', () => {
      expect(planBatches([], 32)).to.deep.equal([]);
      expect(() => planBatches([10], 0)).to.throw(RangeError, /at least 1/);
    });
  });
});
