/**
 * A text field that edits an optional number through a draft: typing changes only the draft;
 * blur or Enter parses it and applies the value, or shows the parser's message (which names the
 * field and its valid range) and applies nothing. Empty applies null (the default).
 */
import { useEffect, useState, type ChangeEvent, type KeyboardEvent } from 'react';

/** The parsed value, or a message saying what was expected. */
export type DraftParse = { value: number | null } | { error: string };

export function useDraftField(value: number | null, parse: (text: string) => DraftParse, apply: (v: number | null) => void) {
  const [draft, setDraft] = useState(value === null ? '' : String(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setDraft(value === null ? '' : String(value)), [value]);
  const commit = () => {
    const text = draft.trim();
    const r: DraftParse = text === '' ? { value: null } : parse(text);
    if ('error' in r) {
      setError(r.error);
      return;
    }
    setError(null);
    apply(r.value);
  };
  return {
    error,
    inputProps: {
      value: draft,
      'aria-invalid': error !== null,
      onChange: (e: ChangeEvent<HTMLInputElement>) => setDraft(e.target.value),
      onBlur: commit,
      onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => { if (e.key === 'Enter') commit(); },
    },
  };
}
