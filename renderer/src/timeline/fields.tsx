// Fields edited in place: they show the store's value until the writer changes them, commit on
// Enter or when focus leaves, go back on Escape, and show why a change was refused.
import { useId, useState, type KeyboardEvent } from "react";
import type { EditOutcome } from "../store/documentSlice";

interface FieldProps {
  label: string;
  value: string;
  /** Sends the change; a refusal's message is shown under the field. */
  onCommit(value: string): Promise<EditOutcome> | EditOutcome;
  disabled?: boolean;
  className?: string;
  /** Shown under the field while it has no error. */
  hint?: string;
}

function useEditable(props: FieldProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const commit = async () => {
    if (draft === null) return;
    if (draft === props.value) {
      setDraft(null);
      setError(null);
      return;
    }
    const outcome = await props.onCommit(draft);
    if (outcome.ok) {
      setDraft(null);
      setError(null);
    } else setError(outcome.message);
  };
  const cancel = () => {
    setDraft(null);
    setError(null);
  };
  return { shown: draft ?? props.value, draft, setDraft, error, commit, cancel };
}

/** A one-line text field (a section's title). */
export function TextField(props: FieldProps) {
  const id = useId();
  const f = useEditable(props);
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      void f.commit();
    } else if (e.key === "Escape") f.cancel();
  };
  return (
    <span className={`field ${props.className ?? ""}`}>
      <label htmlFor={id} className="visually-hidden">
        {props.label}
      </label>
      <input
        id={id}
        type="text"
        value={f.shown}
        disabled={props.disabled}
        aria-invalid={f.error !== null}
        aria-describedby={f.error !== null ? `${id}-error` : undefined}
        onChange={(e) => f.setDraft(e.target.value)}
        onBlur={() => void f.commit()}
        onKeyDown={onKeyDown}
      />
      {f.error !== null ? (
        <span id={`${id}-error`} className="field-error" aria-live="polite">
          {f.error}
        </span>
      ) : null}
    </span>
  );
}

/** A text area (a brief, a step plan): Enter makes a new line, Ctrl+Enter or leaving commits. */
export function AreaField(props: FieldProps & { rows?: number }) {
  const id = useId();
  const f = useEditable(props);
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Escape") f.cancel();
  };
  return (
    <span className={`field field-area ${props.className ?? ""}`}>
      <label htmlFor={id} className="field-label">
        {props.label}
      </label>
      <textarea
        id={id}
        rows={props.rows ?? 2}
        value={f.shown}
        disabled={props.disabled}
        aria-invalid={f.error !== null}
        aria-describedby={f.error !== null ? `${id}-error` : undefined}
        onChange={(e) => f.setDraft(e.target.value)}
        onBlur={() => void f.commit()}
        onKeyDown={onKeyDown}
      />
      {f.error !== null ? (
        <span id={`${id}-error`} className="field-error" aria-live="polite">
          {f.error}
        </span>
      ) : null}
    </span>
  );
}

/**
 * A whole number of words (a budget, the target). The number is checked here first, so the writer
 * reads at once that "12.5" or "-3" is not a budget; `check` gives the message.
 */
export function NumberField(props: Omit<FieldProps, "value" | "onCommit"> & { value: number | null; check(value: string): number | string; onCommit(value: number): Promise<EditOutcome> | EditOutcome }) {
  const id = useId();
  const f = useEditable({
    ...props,
    value: props.value === null ? "" : String(props.value),
    onCommit: (text) => {
      const checked = props.check(text);
      if (typeof checked === "string") return { ok: false, message: checked };
      return props.onCommit(checked);
    },
  });
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      void f.commit();
    } else if (e.key === "Escape") f.cancel();
  };
  return (
    <span className={`field field-number ${props.className ?? ""}`}>
      <label htmlFor={id} className="field-label">
        {props.label}
      </label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        value={f.shown}
        disabled={props.disabled}
        aria-invalid={f.error !== null}
        aria-describedby={f.error !== null ? `${id}-error` : props.hint ? `${id}-hint` : undefined}
        onChange={(e) => f.setDraft(e.target.value)}
        onBlur={() => void f.commit()}
        onKeyDown={onKeyDown}
      />
      {f.error !== null ? (
        <span id={`${id}-error`} className="field-error" aria-live="polite">
          {f.error}
        </span>
      ) : props.hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {props.hint}
        </span>
      ) : null}
    </span>
  );
}

/** Reads a budget as typed: a whole number of words from 0 up to `max`, or the message to show. */
export function checkWholeNumber(text: string, min: number, max: number, message: string): number | string {
  const compact = text.trim().replace(/[,\s\u00a0_]/g, "");
  if (!/^\d+$/.test(compact)) return message;
  const value = Number(compact);
  return value < min || value > max ? message : value;
}
