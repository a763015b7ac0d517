import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  languageServers,
  loadModelArtifact,
  ModelArtifactError,
  parseTagScheme,
  resolveModelDir,
  resolveModelDirs,
} from '../../stream-processors/absa/model/model-artifact.js';
import { OnnxSentimentModel } from '../../stream-processors/absa/model/onnx-sentiment-model.js';

const FIXTURES = path.resolve('test/fixtures/absa-model');

const scratch: string[] = [];
after(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A private copy of a fixture artifact, to break on purpose. */
function copyFixture(name = 'tiny-bio'): string {
  const parent = mkdtempSync(path.join(tmpdir(), 'absa-artifact-'));
  scratch.push(parent);
  const dir = path.join(parent, name);
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
}

describe('ABSA model artifact', () => {
  it('loads a valid artifact folder', () => {
    const artifact = loadModelArtifact(path.join(FIXTURES, 'tiny-bio'));
    expect(artifact.config.name).to.equal('tiny-bio');
    expect(artifact.config.max_tokens).to.equal(16);
    expect(artifact.tagScheme.unified).to.equal(false);
    expect(Array.from(artifact.polarityColumns)).to.deep.equal([0, 1, 2]);
  });

  for (const file of ['config.json', 'labels.json', 'tokenizer.json', 'model.onnx', 'MODEL_CARD.md']) {
    it(`names ${file} when it is missing`, () => {
      const dir = copyFixture();
      rmSync(path.join(dir, file));
      expect(() => loadModelArtifact(dir))
        .to.throw(ModelArtifactError)
        .with.property('file', path.join(dir, file));
    });
  }

  it('names the folder when it does not exist', () => {
    expect(() => loadModelArtifact('/nonexistent/absa-model')).to.throw(
      ModelArtifactError,
      '/nonexistent/absa-model',
    );
  });

  it('names config.json when it is not JSON', () => {
    const dir = copyFixture();
    writeFileSync(path.join(dir, 'config.json'), '{"name": "x",');
    expect(() => loadModelArtifact(dir)).to.throw(ModelArtifactError, /config\.json: is not valid JSON/);
  });

  it('names the field of config.json that is wrong, all of them at once', () => {
    const dir = copyFixture();
    editJson(path.join(dir, 'config.json'), (c) => {
      c.max_tokens = 'many';
      c.analyze_polarity = 'sometimes';
    });
    expect(() => loadModelArtifact(dir)).to.throw(ModelArtifactError, /max_tokens: .*analyze_polarity: /);
  });

  it('refuses a window overlap too large for max_tokens', () => {
    const dir = copyFixture();
    editJson(path.join(dir, 'config.json'), (c) => {
      c.window_overlap_tokens = 10;
    });
    expect(() => loadModelArtifact(dir)).to.throw(ModelArtifactError, /window_overlap_tokens/);
  });

  it('refuses analyze_polarity "tags" with plain B/I tags', () => {
    const dir = copyFixture();
    editJson(path.join(dir, 'config.json'), (c) => {
      c.analyze_polarity = 'tags';
    });
    expect(() => loadModelArtifact(dir)).to.throw(
      ModelArtifactError,
      /config\.json: analyze_polarity "tags"/,
    );
  });

  it('names labels.json when its polarities are not the three known ones', () => {
    const dir = copyFixture();
    editJson(path.join(dir, 'labels.json'), (l) => {
      l.polarities = ['negative', 'positive', 'positive'];
    });
    expect(() => loadModelArtifact(dir)).to.throw(ModelArtifactError, /labels\.json: polarities/);
  });

  it('reads polarity_logits columns in the order labels.json gives', () => {
    const dir = copyFixture();
    editJson(path.join(dir, 'labels.json'), (l) => {
      l.polarities = ['positive', 'negative', 'neutral'];
    });
    expect(Array.from(loadModelArtifact(dir).polarityColumns)).to.deep.equal([2, 0, 1]);
  });

  it('parses plain and polarity-suffixed tag lists and rejects malformed ones', () => {
    expect(parseTagScheme(['O', 'B', 'I']).unified).to.equal(false);
    const unified = parseTagScheme(['O', 'B-positive', 'I-positive', 'B-negative', 'I-negative']);
    expect(unified.unified).to.equal(true);
    expect(Array.from(unified.polarity)).to.deep.equal([-1, 2, 2, 0, 0]);
    expect(() => parseTagScheme(['O', 'B', 'I-positive'])).to.throw(/mix/);
    expect(() => parseTagScheme(['O', 'B-great', 'I-great'])).to.throw(/polarity must be/);
    expect(() => parseTagScheme(['B', 'I', 'X'])).to.throw(/"X"/);
    expect(() => parseTagScheme(['B', 'I', 'I'])).to.throw(/"O"/);
  });

  it('names model.onnx when it is not a loadable model', async () => {
    const dir = copyFixture();
    writeFileSync(path.join(dir, 'model.onnx'), 'not a protobuf at all');
    const error = await OnnxSentimentModel.load(dir).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ModelArtifactError);
    expect((error as ModelArtifactError).file).to.equal(path.join(dir, 'model.onnx'));
  });

  it('refuses a model whose tag outputs do not match labels.json', async () => {
    const dir = copyFixture();
    cpSync(path.join(FIXTURES, 'tiny-tags', 'model.onnx'), path.join(dir, 'model.onnx')); // 7 tags, labels say 3
    const error = await OnnxSentimentModel.load(dir).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ModelArtifactError);
    expect((error as Error).message).to.match(/model\.onnx: output "tag_logits" has 7 classes/);
  });

  it('refuses analyze_polarity "tagging-pass" without a polarity head to read that pass', async () => {
    const dir = copyFixture(); // tiny-bio: no hidden_states output, no polarity.json
    editJson(path.join(dir, 'config.json'), (c) => (c.analyze_polarity = 'tagging-pass'));
    const error = await OnnxSentimentModel.load(dir).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ModelArtifactError);
    expect((error as ModelArtifactError).file).to.equal(path.join(dir, 'config.json'));
    expect((error as Error).message).to.match(/"tagging-pass" needs a polarity head \(polarity\.json\)/);
  });

  describe('default folder', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'absa-models-'));
    scratch.push(root);

    it('takes an explicit folder first, then ABSA_MODEL_DIR', () => {
      expect(resolveModelDir('/x/m', { ABSA_MODEL_DIR: '/y/m' }, root)).to.equal('/x/m');
      expect(resolveModelDir(undefined, { ABSA_MODEL_DIR: '/y/m' }, root)).to.equal('/y/m');
    });

    it('says what to do when models/absa/ holds no artifact', () => {
      expect(() => resolveModelDir(undefined, {}, root)).to.throw(
        ModelArtifactError,
        /no model artifact folder found.*--model/,
      );
    });

    it('takes the only folder under models/absa/, even an incomplete one, so loading names what is missing', () => {
      mkdirSync(path.join(root, 'a-1.0.0'));
      mkdirSync(path.join(root, '.partial')); // hidden: ignored
      expect(resolveModelDir(undefined, {}, root)).to.equal(path.join(root, 'a-1.0.0'));
      expect(() => loadModelArtifact(path.join(root, 'a-1.0.0'))).to.throw(
        ModelArtifactError,
        /config\.json: missing/,
      );
    });

    it('with several artifacts, takes the one serving the language asked for, and names them when none does', () => {
      const artifact = (name: string, languages: string[]) => {
        mkdirSync(path.join(root, name), { recursive: true });
        writeFileSync(path.join(root, name, 'config.json'), JSON.stringify({ languages }));
      };
      artifact('a-1.0.0', ['en']);
      artifact('b-2.0.0', ['ko', 'en']);
      expect(resolveModelDir(undefined, {}, root)).to.equal(path.join(root, 'a-1.0.0'));
      expect(resolveModelDir(undefined, {}, root, 'ko')).to.equal(path.join(root, 'b-2.0.0'));
      expect(() => resolveModelDir(undefined, {}, root, 'ja')).to.throw(
        ModelArtifactError,
        /none of the model artifacts \(a-1\.0\.0, b-2\.0\.0\) serves "ja"/,
      );
    });

    it('gives the processor every artifact folder, or the comma-separated list it is told', () => {
      expect(resolveModelDirs(undefined, {}, root)).to.deep.equal([
        path.join(root, 'a-1.0.0'),
        path.join(root, 'b-2.0.0'),
      ]);
      expect(resolveModelDirs(undefined, { ABSA_MODEL_DIR: '/m/en, /m/ko' }, root)).to.deep.equal([
        '/m/en',
        '/m/ko',
      ]);
      expect(resolveModelDirs('/x', { ABSA_MODEL_DIR: '/m/en' }, root)).to.deep.equal(['/x']);
    });
  });

  describe('languageServers', () => {
    it('serves each language with the artifact listing it earliest, the first artifact on a tie', () => {
      const servers = languageServers([
        { languages: ['en'] },
        { languages: ['ko', 'en'] },
        { languages: ['ko', 'ja'] },
      ]);
      expect(Object.fromEntries(servers)).to.deep.equal({ en: 0, ko: 1, ja: 2 });
    });
  });
});
