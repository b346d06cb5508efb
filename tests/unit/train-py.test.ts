// train.py of the Hugging Face export is a real Python file (src/core/formats/train.py) that the
// app ships as text through Vite's `?raw`. Python compiles exactly those imported bytes here, so a
// syntax error cannot reach a user's zip.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import TRAIN_PY from '../../src/core/formats/train.py?raw';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const hasPython = existsSync(PYTHON);
if (!hasPython) console.warn(`train.py: ${PYTHON} is missing, so the py_compile check is skipped (set PYTHON to a python3)`);

describe('train.py', () => {
  it('is imported as the file\'s text', () => {
    expect(TRAIN_PY).toMatch(/^"""Continue training a TextTune export/);
    expect(TRAIN_PY).toContain('if __name__ == "__main__":');
  });

  it.skipIf(!hasPython)(`compiles with ${PYTHON} -m py_compile`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-py-'));
    try {
      const file = join(dir, 'train.py');
      writeFileSync(file, TRAIN_PY);
      // py_compile writes bytecode next to the file unless told otherwise: keep it in the temp dir.
      execFileSync(PYTHON, ['-m', 'py_compile', file], { env: { ...process.env, PYTHONPYCACHEPREFIX: dir }, stdio: 'pipe' });
    } catch (err) {
      const e = err as { stderr?: Buffer; message: string };
      throw new Error(`train.py does not compile: ${e.stderr?.toString() || e.message}`, { cause: err });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
