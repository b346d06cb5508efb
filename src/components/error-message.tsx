import { ERROR_ADVICE, type ErrorCode } from '../core/model/errors';
import { errorText } from './format';

/** The engine code of an error that crossed the worker boundary (null: not an engine error). */
function codeOf(error: unknown): ErrorCode | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in ERROR_ADVICE ? (code as ErrorCode) : null;
}

/** The message, and under it what to do about this kind of error (core/model/errors.ts). */
export function ErrorMessage({ error, testId = 'error' }: { error: unknown; testId?: string }) {
  if (error === null || error === undefined) return null;
  const code = codeOf(error);
  const advice = code ? ERROR_ADVICE[code] : null;
  return (
    <>
      <p className="error" role="alert" data-testid={testId} data-code={code ?? undefined}>
        {errorText(error)}
      </p>
      {advice ? (
        <p className="small muted" data-testid={`${testId}-advice`}>
          {advice}
        </p>
      ) : null}
    </>
  );
}
