import { expect } from 'chai';
import { runInTurn } from '../../stream-processors/absa/model/onnx-session.js';

/** A run that records when it starts and finishes only when `finish` is called. */
function gatedRun(log: string[], name: string) {
  let finish!: () => void;
  const gate = new Promise<void>((resolve) => (finish = resolve));
  const run = async (): Promise<string> => {
    log.push(`${name} start`);
    await gate;
    log.push(`${name} end`);
    return name;
  };
  return { run, finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ABSA model: ONNX runs in turn', () => {
  // Every gated run is finished in `finally`: the turn is process-wide, and a run left waiting after a
  // failed expectation would hold up every later test that runs the model.
  it('starts a partial batch only after the partial batches before it have finished', async () => {
    const log: string[] = [];
    const a = gatedRun(log, 'a');
    const b = gatedRun(log, 'b');
    const ra = runInTurn(false, a.run);
    const rb = runInTurn(false, b.run);
    try {
      await tick();
      expect(log).to.deep.equal(['a start']);
      a.finish();
      expect(await ra).to.equal('a');
      await tick();
      expect(log).to.deep.equal(['a start', 'a end', 'b start']);
    } finally {
      a.finish();
      b.finish();
    }
    expect(await rb).to.equal('b');
  });

  it('starts a full batch at once, beside a partial batch that is running', async () => {
    const log: string[] = [];
    const partial = gatedRun(log, 'partial');
    const full = gatedRun(log, 'full');
    const rp = runInTurn(false, partial.run);
    const rf = runInTurn(true, full.run);
    try {
      await tick();
      expect(log).to.have.members(['partial start', 'full start']);
    } finally {
      full.finish();
      partial.finish();
    }
    expect(await Promise.all([rp, rf])).to.deep.equal(['partial', 'full']);
  });

  it('lets the next partial batch run after one that failed, and reports the failure to its caller', async () => {
    const failed = runInTurn(false, () => Promise.reject(new Error('broken run')));
    const next = runInTurn(false, () => Promise.resolve('next'));
    let error: Error | undefined;
    await failed.catch((e: Error) => (error = e));
    expect(error?.message).to.equal('broken run');
    expect(await next).to.equal('next');
  });
});
