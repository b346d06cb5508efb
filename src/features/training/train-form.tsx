// The Train hyper-parameters: every field, default, bound and help text comes from TRAIN_SPEC.
import type { TrainConfig } from '../../worker/protocol';
import { DEFAULT_TRAIN_CONFIG, TRAIN_SPEC } from '../../core/model/specs';
import { SpecFields } from '../../components/spec-fields';

export const DEFAULT_CONFIG: TrainConfig = DEFAULT_TRAIN_CONFIG;

export function TrainForm({ value, onChange, onInvalid, disabled }: { value: TrainConfig; onChange(c: TrainConfig): void; onInvalid(labels: string[]): void; disabled: boolean }) {
  return (
    <fieldset className="form-grid" disabled={disabled}>
      <legend>Hyper-parameters</legend>
      <SpecFields table={TRAIN_SPEC} value={value} onChange={onChange} onInvalid={onInvalid} testIdPrefix="cfg" />
    </fieldset>
  );
}
