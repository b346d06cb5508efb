// Fine-tuning hyper-parameters: every field, default, bound and help text comes from FINETUNE_SPEC;
// the encoder's layer count bounds unfreezeLayers.
import type { FineTuneSettings } from '../../worker/protocol';
import { DEFAULT_FINETUNE_SETTINGS as DEFAULTS, FINETUNE_SPEC, unfreezeOverrides } from '../../core/model/specs';
import { SpecFields } from '../../components/spec-fields';

export const DEFAULT_FINETUNE_SETTINGS: FineTuneSettings = DEFAULTS;

export function FineTuneForm({ value, onChange, onInvalid, disabled, numLayers }: { value: FineTuneSettings; onChange(s: FineTuneSettings): void; onInvalid(labels: string[]): void; disabled: boolean; numLayers: number | null }) {
  return (
    <fieldset className="form-grid" disabled={disabled}>
      <legend>Fine-tuning hyper-parameters</legend>
      <SpecFields table={FINETUNE_SPEC} overrides={unfreezeOverrides(numLayers)} value={value} onChange={onChange} onInvalid={onInvalid} testIdPrefix="ft" />
    </fieldset>
  );
}
