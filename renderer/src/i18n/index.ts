// A small typed i18n: t("key", { name: value }). English is the source of truth; Chinese is typed
// against it. The interface language follows the browser unless the writer picks one.
import { en, type MessageKey, type Messages } from "./en";
import { zh } from "./zh";

export type { MessageKey } from "./en";
export type UiLanguage = "en" | "zh";

export const dictionaries: Record<UiLanguage, Messages> = { en, zh };

export type MessageValues = Record<string, string | number>;

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** The message for `key` in `language`, with `{name}` placeholders filled from `values`. */
export function translate(language: UiLanguage, key: MessageKey, values?: MessageValues): string {
  const template = dictionaries[language][key] ?? en[key];
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : typeof value === "number" ? formatNumber(language, value) : value;
  });
}

/** The language of the browser's preferred locales that the interface has, else English. */
export function browserLanguage(preferred: ReadonlyArray<string>): UiLanguage {
  for (const locale of preferred) {
    const base = locale.toLowerCase().split("-")[0];
    if (base === "zh") return "zh";
    if (base === "en") return "en";
  }
  return "en";
}

const formatters = new Map<UiLanguage, Intl.NumberFormat>();

/** A whole number as the language writes it: 12,345. */
export function formatNumber(language: UiLanguage, value: number): string {
  let f = formatters.get(language);
  if (!f) {
    f = new Intl.NumberFormat(language === "zh" ? "zh-CN" : "en-US", { maximumFractionDigits: 1 });
    formatters.set(language, f);
  }
  return f.format(value);
}

export type Translate = (key: MessageKey, values?: MessageValues) => string;

export function translator(language: UiLanguage): Translate {
  return (key, values) => translate(language, key, values);
}
