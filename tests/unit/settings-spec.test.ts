// One spec table per hyper-parameter set: the forms render its defaults and bounds, core's
// defaults are read off it, and the engine refuses what it refuses, with a coded error.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import {
  checkAgainstSpec, DEFAULT_FINETUNE_SETTINGS, DEFAULT_TRAIN_CONFIG, FINETUNE_SPEC, SettingsError, specDefaults, TRAIN_SPEC, unfreezeOverrides,
  type FieldSpec, type NumberSpec,
} from '../../src/core/model/specs';
import { DEFAULT_HEAD_CONFIG } from '../../src/core/train/head';
import { DEFAULT_FINETUNE_RUN_CONFIG } from '../../src/core/train/finetune-run';
import { specFieldProps } from '../../src/components/spec-fields';
import { DEFAULT_CONFIG, TrainForm } from '../../src/features/training/train-form';
import { DEFAULT_FINETUNE_SETTINGS as FORM_FINETUNE_DEFAULTS, FineTuneForm } from '../../src/features/training/finetune-form';
import { createEngine } from '../../src/worker/engine';
import type { FineTuneSettings, TrainConfig } from '../../src/core/model/config';
import { toErrorData } from '../../src/worker/errors';

/** The attributes of each <input data-testid="prefix-key"> in the markup. */
function inputs(html: string, prefix: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const tag of html.match(/<input[^>]*>/g) ?? []) {
    const attrs = Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const id = attrs['data-testid'];
    if (id?.startsWith(`${prefix}-`)) out.set(id.slice(prefix.length + 1), attrs);
    if (/\schecked(\s|=|\/|>)/.test(tag) && id) out.get(id.slice(prefix.length + 1))!.checked = 'true';
  }
  return out;
}

function expectRendersSpec(html: string, prefix: string, table: Record<string, FieldSpec>, overrides: Record<string, Partial<NumberSpec>> = {}) {
  const found = inputs(html, prefix);
  const shown = Object.entries(table).filter(([, spec]) => !spec.notInForm);
  expect([...found.keys()].sort()).toEqual(shown.map(([key]) => key).sort());
  for (const [key, base] of shown) {
    const attrs = found.get(key)!;
    if (base.kind === 'number') {
      const spec = { ...base, ...overrides[key] };
      expect(Number(attrs.value), key).toBe(spec.default);
      expect(Number(attrs.min), key).toBe(spec.min);
      expect(attrs.max === undefined ? undefined : Number(attrs.max), key).toBe(spec.max);
      expect(Number(attrs.step), key).toBe(spec.step);
    } else if (base.kind === 'boolean') {
      expect(attrs.checked === 'true', key).toBe(base.default);
    }
  }
}

const noop = () => undefined;

describe('hyper-parameter spec tables', () => {
  it('the Train form renders every field of TRAIN_SPEC with its default and bounds', () => {
    expect(DEFAULT_CONFIG).toEqual(specDefaults<TrainConfig>(TRAIN_SPEC));
    const html = renderToStaticMarkup(createElement(TrainForm, { value: DEFAULT_CONFIG, onChange: noop, onInvalid: noop, disabled: false }));
    expectRendersSpec(html, 'cfg', TRAIN_SPEC);
    expect(html).toContain(TRAIN_SPEC.learningRate.help);
  });

  it('the fine-tune form renders FINETUNE_SPEC, with unfreezeLayers bounded by the encoder', () => {
    expect(FORM_FINETUNE_DEFAULTS).toEqual(specDefaults<FineTuneSettings>(FINETUNE_SPEC));
    const html = renderToStaticMarkup(createElement(FineTuneForm, { value: FORM_FINETUNE_DEFAULTS, onChange: noop, onInvalid: noop, disabled: false, numLayers: 6 }));
    expectRendersSpec(html, 'ft', FINETUNE_SPEC, { unfreezeLayers: { max: 6 } });
    expect(html).toContain('6 = all');
    // The encoder-rate cap the form shows is the one the engine enforces (it used to accept up to 1).
    expect(specFieldProps<FineTuneSettings>(FINETUNE_SPEC).numbers.find((f) => f.key === 'encoderLearningRate')!.max).toBe(0.01);
  });

  it("core's defaults are the spec's (the head loop's used to be batch 32, 128 hidden units, dropout 0.1)", () => {
    const { valFraction: _v, maxWindows: _m, windowOverlap: _o, ...head } = DEFAULT_TRAIN_CONFIG;
    expect(DEFAULT_HEAD_CONFIG).toEqual(head);
    const { valFraction: _f, ...run } = DEFAULT_FINETUNE_SETTINGS;
    expect(DEFAULT_FINETUNE_RUN_CONFIG).toEqual(run);
  });

  it('checkAgainstSpec names the field and the value, with a code', () => {
    expect(() => checkAgainstSpec(TRAIN_SPEC, DEFAULT_TRAIN_CONFIG)).not.toThrow();
    expect(() => checkAgainstSpec(TRAIN_SPEC, { ...DEFAULT_TRAIN_CONFIG, keepEncoder: true })).not.toThrow();
    const cases: [object, string, string, unknown][] = [
      [{ ...DEFAULT_TRAIN_CONFIG, dropout: 0.95 }, 'out-of-range', 'dropout', 0.95],
      [{ ...DEFAULT_TRAIN_CONFIG, epochs: 2.5 }, 'not-an-integer', 'epochs', 2.5],
      [{ ...DEFAULT_TRAIN_CONFIG, learningRate: Number.NaN }, 'not-a-number', 'learningRate', Number.NaN],
      [{ ...DEFAULT_TRAIN_CONFIG, classWeights: 'yes' }, 'not-a-boolean', 'classWeights', 'yes'],
      [{ ...DEFAULT_TRAIN_CONFIG, epochz: 3 }, 'unknown-field', 'epochz', 3],
    ];
    for (const [value, code, field, got] of cases) {
      let err: unknown;
      try {
        checkAgainstSpec(TRAIN_SPEC, value as typeof DEFAULT_TRAIN_CONFIG);
      } catch (e) {
        err = e;
      }
      expect(err, field).toBeInstanceOf(SettingsError);
      expect(err).toMatchObject({ code, field, value: got });
      expect((err as Error).message).toContain(field);
    }
    const { seed: _s, ...noSeed } = DEFAULT_TRAIN_CONFIG;
    expect(() => checkAgainstSpec(TRAIN_SPEC, noSeed as typeof DEFAULT_TRAIN_CONFIG)).toThrow('seed is missing');
    expect(() => checkAgainstSpec(FINETUNE_SPEC, { ...DEFAULT_FINETUNE_SETTINGS, unfreezeLayers: 7 }, unfreezeOverrides(6))).toThrow('unfreezeLayers must be from 0 to 6, got 7');
  });
});

describe('the engine refuses settings out of the spec, with a coded error', () => {
  const engine = createEngine(() => undefined);
  const noEvents = () => undefined;

  it('train.start: a batch size of 0', async () => {
    const err = await engine['train.start']({ datasetId: 'ds-none', encoderId: 'use-lite', config: { ...DEFAULT_CONFIG, batchSize: 0 } }, noEvents).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'SettingsError', code: 'out-of-range', field: 'batchSize', value: 0 });
    expect(toErrorData(err)).toEqual({ name: 'SettingsError', code: 'BAD_ARGUMENT', message: 'batchSize must be from 1 to 1024, got 0' });
  });

  it('finetune.start and finetune.estimate: an encoder learning rate above the form’s cap', async () => {
    const settings = { ...DEFAULT_FINETUNE_SETTINGS, encoderLearningRate: 0.5 };
    for (const err of [
      await engine['finetune.start']({ datasetId: 'ds-none', encoderId: 'use-lite', settings, headRunId: null }, noEvents).catch((e: unknown) => e),
      await engine['finetune.estimate']({ datasetId: 'ds-none', encoderId: 'use-lite', settings }, noEvents).catch((e: unknown) => e),
    ]) {
      expect(err).toMatchObject({ code: 'out-of-range', field: 'encoderLearningRate', value: 0.5 });
      expect(toErrorData(err).code).toBe('BAD_ARGUMENT');
      expect(toErrorData(err).message).toBe('encoderLearningRate must be from 0.000001 to 0.01, got 0.5');
    }
  });
});
