// The new-document form's rules: what the writer typed, checked, with a message per field.
import type { GenerationMode } from "../../../electron/common/api";
import { estimateTokens, VOICE_SAMPLE_MAX_CHARS, VOICE_SAMPLE_TOKENS } from "../../../electron/common/manuscript/voice";
import type { Language } from "../../../electron/common/metrics/language";
import type { NewDocumentInput } from "../api/documents";
import type { MessageKey, MessageValues } from "../i18n";

export const TARGET_PRESETS = [1000, 3000, 5000, 10000, 20000] as const;
/** More than this is beyond what a plan can hold. */
export const MAX_TARGET = 200_000;
export const MAX_INSTRUCTION = 20_000;

/** The form as typed. */
export interface NewDocumentForm {
  instruction: string;
  target: string;
  language: Language;
  /** "profile": the loaded model's profile decides. */
  mode: GenerationMode | "profile";
  /** A sample of the writer's prose ("" for none). */
  voice: string;
  /** The title ("" or left out: one made from the instruction). */
  title?: string;
}

export interface FieldError {
  key: MessageKey;
  values?: MessageValues;
}

export type NewDocumentCheck = { ok: true; input: NewDocumentInput } | { ok: false; errors: Partial<Record<"instruction" | "target" | "voice", FieldError>> };

/** Reads a target as a writer types it: "3000", "3,000", "3 000" are 3000. */
export function readTarget(text: string): FieldError | number {
  const compact = text.trim().replace(/[,\s\u00a0\u202f_]/g, "");
  if (compact === "") return { key: "newDoc.error.targetEmpty" };
  if (!/^[+-]?\d+$/.test(compact)) return { key: "newDoc.error.targetNotWhole" };
  const value = Number(compact);
  if (value < 1) return { key: "newDoc.error.targetTooSmall" };
  if (value > MAX_TARGET) return { key: "newDoc.error.targetTooLarge", values: { max: MAX_TARGET } };
  return value;
}

export function checkNewDocument(form: NewDocumentForm): NewDocumentCheck {
  const errors: Partial<Record<"instruction" | "target" | "voice", FieldError>> = {};
  const instruction = form.instruction.trim();
  if (instruction === "") errors.instruction = { key: "newDoc.error.instructionEmpty" };
  else if (instruction.length > MAX_INSTRUCTION) errors.instruction = { key: "newDoc.error.instructionTooLong", values: { max: MAX_INSTRUCTION } };
  const target = readTarget(form.target);
  if (typeof target !== "number") errors.target = target;
  const voice = form.voice.trim();
  const voiceError = checkVoice(voice);
  if (voiceError) errors.voice = voiceError;
  if (errors.instruction || errors.target || errors.voice) return { ok: false, errors };
  const title = (form.title ?? "").trim().slice(0, 500);
  return { ok: true, input: { instruction, targetWords: target as number, language: form.language, mode: form.mode === "profile" ? null : form.mode, ...(voice ? { voice } : {}), ...(title ? { title } : {}) } };
}

/** A voice sample as the setVoice edit will check it (by the estimate), so the form says so before sending. */
export function checkVoice(sample: string): FieldError | null {
  const tokens = estimateTokens(sample);
  if (sample.length > VOICE_SAMPLE_MAX_CHARS || tokens > VOICE_SAMPLE_TOKENS) return { key: "voice.tooLong", values: { tokens, budget: VOICE_SAMPLE_TOKENS } };
  return null;
}
