// The free "owner/name[@revision]" field: validated as you type (core/encoders/registry.ts
// parseModelRef, pure data, no tfjs), submitted as a Hub encoder id.
import { useState } from 'react';
import { hubEncoderId, ModelRefError, parseModelRef } from '../../core/encoders/registry';
import type { EncoderId } from '../../worker/protocol';

function check(text: string): { id: EncoderId } | { error: string } | null {
  if (text.trim() === '') return null;
  try {
    return { id: hubEncoderId(parseModelRef(text)) as EncoderId };
  } catch (err) {
    return { error: err instanceof ModelRefError ? err.message : String(err) };
  }
}

export function HubModelField({ disabled, onPick }: { disabled: boolean; onPick(id: EncoderId): void }) {
  const [text, setText] = useState('');
  const [touched, setTouched] = useState(false);
  const result = check(text);
  const submit = () => {
    setTouched(true);
    if (result && 'id' in result) onPick(result.id);
  };
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label>
        Other Hugging Face model
        <input
          type="text"
          data-testid="hub-model-input"
          placeholder="owner/name or owner/name@revision"
          spellCheck={false}
          autoComplete="off"
          value={text}
          disabled={disabled}
          aria-invalid={!!result && 'error' in result}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => setTouched(text.trim() !== '')}
        />
      </label>
      <button type="submit" data-testid="hub-model-use" disabled={disabled || !result || 'error' in result}>
        Use this model
      </button>
      {touched && result && 'error' in result && (
        <p className="error small" role="alert" data-testid="hub-model-error">
          {result.error}
        </p>
      )}
      <p className="muted small">
        BERT-family models (BERT, MiniLM, bge, e5) with a model.safetensors file. Size, parameters and license come from the repo once it downloads; check
        the model card for its license.
      </p>
    </form>
  );
}
