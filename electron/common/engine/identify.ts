// Which catalog model a file or a server's model is: by its file name, else by how the GGUF names the
// model (general.name, its base name with its size label and fine-tune), else by the model it was
// fine-tuned from. A renamed file (`is-writer-8b.Q8_0.gguf`) is still IS-Writer-8B; another
// quantization of a catalog model is that model. Pure: the facts come from the GGUF reader.
import type { Catalog, CatalogEntry } from "./catalog";

/** What a model says about itself: the file (or server model) name and the GGUF's naming keys. */
export interface ModelIdentity {
  /** The file name (`IS-Writer-8B-Q8_0.gguf`) or a server's model id (`Qwen/Qwen3-8B`). */
  file?: string;
  name?: string;
  basename?: string;
  sizeLabel?: string;
  finetune?: string;
  baseModel?: string;
  architecture?: string;
}

export interface Identified {
  entry: CatalogEntry;
  /** "file": its file name; "name": how it names itself; "base": the model it was fine-tuned from (its profile is not known). */
  by: "file" | "name" | "base";
  /** Why, for people: what matched. */
  reason: string;
}

/** Lower case, letters and digits only: "Qwen3 8B", "qwen3-8b" and "Qwen3_8B" are one name. */
export function normalizeName(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

/** A file or model id without its folder, `.gguf`, and quantization or split suffix (`.Q8_0`, `-IQ4_XS`, `-00001-of-00002`). */
export function modelStem(file: string): string {
  let stem = file.split(/[\\/]/).pop() ?? file;
  stem = stem.replace(/\.gguf$/i, "").replace(/[-._]\d{5}-of-\d{5}$/i, "");
  for (;;) {
    const next = stem.replace(/[-._](?:i?q\d[\w]*|f16|bf16|f32|fp16|gguf|ud)$/i, "");
    if (next === stem) return stem;
    stem = next;
  }
}

/** The names a catalog entry goes by, normalized: its id, its name, its file's stem and its aliases. */
function entryNames(entry: CatalogEntry): Set<string> {
  return new Set([entry.id, entry.name, modelStem(entry.file), ...(entry.aliases ?? [])].map(normalizeName).filter((n) => n !== ""));
}

/** The names a model goes by, as the file and its metadata give them. */
function identityNames(identity: ModelIdentity): { name: string; from: string }[] {
  const names: { name: string; from: string }[] = [];
  const add = (text: string | undefined, from: string) => {
    if (text && normalizeName(text) !== "") names.push({ name: normalizeName(text), from });
  };
  add(identity.name, `general.name "${identity.name}"`);
  if (identity.basename) {
    const parts = [identity.basename, identity.finetune, identity.sizeLabel].filter(Boolean).join(" ");
    add(parts, `general.basename "${identity.basename}"${identity.sizeLabel ? `, size label ${identity.sizeLabel}` : ""}`);
    if (identity.sizeLabel) add(`${identity.basename} ${identity.sizeLabel}`, `general.basename "${identity.basename}", size label ${identity.sizeLabel}`);
  }
  if (identity.file) add(modelStem(identity.file), `the name ${modelStem(identity.file)}`);
  return names;
}

/** The catalog model this is, and why; null when nothing in the catalog matches. */
export function identifyModel(catalog: Catalog, identity: ModelIdentity): Identified | null {
  const fileName = identity.file?.split(/[\\/]/).pop();
  const byFile = fileName ? catalog.models.find((m) => m.file === fileName) : undefined;
  if (byFile) return { entry: byFile, by: "file", reason: `${byFile.name} in the catalog, by its file name` };
  const fits = (entry: CatalogEntry) => !entry.architecture || !identity.architecture || entry.architecture === identity.architecture;
  for (const { name, from } of identityNames(identity)) {
    const entry = catalog.models.find((m) => fits(m) && entryNames(m).has(name));
    if (entry) return { entry, by: "name", reason: `${entry.name} in the catalog, by ${from}` };
  }
  if (identity.baseModel) {
    const base = normalizeName(identity.baseModel);
    const entry = catalog.models.find((m) => entryNames(m).has(base));
    if (entry) return { entry, by: "base", reason: `a fine-tune of ${entry.name} (general.base_model "${identity.baseModel}")` };
  }
  return null;
}
