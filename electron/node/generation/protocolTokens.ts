// Forced protocol text tokenized the way the loaded vocabulary holds the tags. A model trained on
// IS-CoT may have its tags as tokens of their own; when those are special (control) tokens, plain
// tokenization spells a forced `<reflection>` as a dozen pieces the model never saw in training. Here a
// tag the vocabulary holds as one special token becomes that token, and everything else, the writer's
// and the model's words included, stays plain text (never parsed for special tokens).
import { CONTROLLER_TAG_TEXTS } from "../../common/iscot/tags";
import type { Backend, ModelInfo, TokenId } from "../engine/backend";

/** Per loaded model: the forced tags its vocabulary holds as one special token, and that token. */
const known = new WeakMap<ModelInfo, Promise<Map<string, TokenId>>>();

/** The tags the backend's model holds as one special token (a plain tokenization would split them). */
export function specialTagTokens(backend: Backend): Promise<Map<string, TokenId>> {
  const info = backend.modelInfo;
  const cached = info ? known.get(info) : undefined;
  if (cached) return cached;
  const found = (async () => {
    const tags = new Map<string, TokenId>();
    for (const tag of CONTROLLER_TAG_TEXTS) {
      const special = await backend.tokenize(tag, { specialTokens: true });
      if (special.length !== 1) continue;
      const plain = await backend.tokenize(tag, { specialTokens: false });
      if (plain.length !== 1 || plain[0] !== special[0]) tags.set(tag, special[0]!);
    }
    return tags;
  })();
  if (info) known.set(info, found);
  return found;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Protocol text as tokens: its tags as the vocabulary's special tokens where it has them, the rest plain. */
export async function tokenizeProtocol(backend: Backend, text: string): Promise<TokenId[]> {
  const tags = await specialTagTokens(backend);
  if (tags.size === 0) return backend.tokenize(text, { specialTokens: false });
  const tokens: TokenId[] = [];
  const re = new RegExp([...tags.keys()].map(escape).join("|"), "g");
  let from = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > from) tokens.push(...(await backend.tokenize(text.slice(from, m.index), { specialTokens: false })));
    tokens.push(tags.get(m[0])!);
    from = m.index + m[0].length;
  }
  if (from < text.length) tokens.push(...(await backend.tokenize(text.slice(from), { specialTokens: false })));
  return tokens;
}
