// What a user should know before downloading an encoder: size, parameters, license, shape.
import type { EncoderPreset } from '../../core/encoders/registry';

const millions = (n: number): string => `${(n / 1e6).toFixed(1)} M`;

export function EncoderFacts({ preset }: { preset: EncoderPreset }) {
  return (
    <dl className="facts small" data-testid="encoder-facts">
      <dt>Download</dt>
      <dd data-testid="encoder-size">{preset.sizeMB.toFixed(1)} MB</dd>
      <dt>Parameters</dt>
      <dd data-testid="encoder-params">{millions(preset.parameters)}</dd>
      <dt>License</dt>
      <dd data-testid="encoder-license">{preset.license}</dd>
      <dt>Shape</dt>
      <dd>
        {preset.dim}-d, {preset.layers} layers, {preset.maxSeqLength} tokens
        {preset.pooling ? `, ${preset.pooling.mode} pooling${preset.pooling.normalize ? ' + normalised' : ''}` : ''}
      </dd>
      <dt>Source</dt>
      <dd>{preset.source === 'embedded' ? 'this app' : `huggingface.co/${preset.repo}`}</dd>
    </dl>
  );
}
