// The context a model is loaded with: what the writer set, else the catalog's recommended context
// (IS-Writer was trained at 32,768 tokens), else the length the model was trained for up to 32,768;
// capped by what fits this machine's memory (the engine creates as large a context as fits, up to
// that). The KV cache type and flash attention come the same way: the writer's, else the catalog's.
import type { EngineSettings } from "../../common/api/models";
import type { CatalogEntry } from "../../common/engine/catalog";
import type { KvCacheType } from "../../common/engine/types";
import type { LoadOptions } from "../engine/backend";

/** The most tokens a model the catalog does not know gets by default: more is rarely needed, and costs memory. */
export const MAX_DEFAULT_CONTEXT = 32_768;

export interface ContextPlan {
  /** What the engine is asked for: exactly the writer's number, as many as fit up to `max`, or "auto". */
  contextSize: NonNullable<LoadOptions["contextSize"]>;
  /** The tokens wanted (null: as many as fit) and where the number comes from. */
  wanted: number | null;
  origin: "writer" | "catalog" | "trained" | "auto";
  kvCacheType: KvCacheType;
  flashAttention?: boolean;
}

/** The context to load a model with. `trained`: the context length in its GGUF, when known. */
export function planContext(settings: EngineSettings, entry: CatalogEntry | undefined, trained: number | undefined): ContextPlan {
  const kvCacheType = settings.kvCacheType ?? entry?.recommended.kvCacheType ?? "f16";
  const flash = settings.flashAttention ?? entry?.recommended.flashAttention;
  const common = { kvCacheType, ...(flash !== undefined ? { flashAttention: flash } : {}) };
  if (typeof settings.contextSize === "number") return { contextSize: settings.contextSize, wanted: settings.contextSize, origin: "writer", ...common };
  if (settings.contextSize === "auto") return { contextSize: "auto", wanted: null, origin: "auto", ...common };
  const cap = (n: number) => (trained !== undefined && trained > 0 ? Math.min(n, trained) : n);
  if (entry) {
    const wanted = cap(entry.recommended.contextSize);
    return { contextSize: { max: wanted }, wanted, origin: "catalog", ...common };
  }
  const wanted = cap(MAX_DEFAULT_CONTEXT);
  return { contextSize: { max: wanted }, wanted, origin: "trained", ...common };
}

const n = (x: number) => x.toLocaleString("en-US");

/** Why the loaded context is as large as it is, in words (for the model manager and the CLI). */
export function describeContext(plan: ContextPlan, loaded: number, model: string): string {
  const cache = `${plan.kvCacheType} KV cache`;
  switch (plan.origin) {
    case "writer":
      return `${n(loaded)} tokens, as set (${cache}).`;
    case "auto":
      return `${n(loaded)} tokens, as many as fit this machine's memory (${cache}).`;
    case "catalog":
    case "trained": {
      const from = plan.origin === "catalog" ? `the context the catalog recommends for ${model}` : "the context the model was trained for";
      const wanted = plan.wanted ?? loaded;
      if (loaded >= wanted) return `${n(loaded)} tokens, ${from}${plan.origin === "trained" && wanted === MAX_DEFAULT_CONTEXT ? ` (at most ${n(MAX_DEFAULT_CONTEXT)})` : ""} (${cache}).`;
      const smaller = plan.kvCacheType === "f16" ? " A q8_0 KV cache holds about twice as many in the same memory." : "";
      return `${n(loaded)} tokens: ${from} is ${n(wanted)}, but only ${n(loaded)} fit this machine's memory with ${plan.kvCacheType === "f16" ? "an" : "a"} ${cache}.${smaller}`;
    }
    default:
      return plan.origin satisfies never;
  }
}
