import { errorText } from './format';

export function ErrorMessage({ error, testId = 'error' }: { error: unknown; testId?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="error" role="alert" data-testid={testId}>
      {errorText(error)}
    </p>
  );
}
