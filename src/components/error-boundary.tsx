// One per page: a rendering error (say, a field of an imported record the page did not expect)
// shows its message in that page only, with a way to retry; the header, the tabs and the other
// pages keep working. React only catches errors thrown while rendering, so this is the last line
// of defence behind the field-by-field checks on import (core/formats/records.ts).
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** The page's name, for the message. */
  page: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

export class PageErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    // The console keeps the component stack for a bug report; the page shows the message.
    console.error(`[${this.props.page}]`, error, info.componentStack);
  }

  render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="card" role="alert" data-testid="page-error">
        <h2>{this.props.page} could not be shown</h2>
        <p className="error">{error.message || error.name}</p>
        <p className="muted">The rest of TextTune still works: switch tabs, or try this page again. Nothing stored was changed.</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </section>
    );
  }
}
