// Loading and validating the model catalog, and turning its sources into download URLs.
import { readFile } from "node:fs/promises";
import { catalogSchema, type Catalog, type CatalogEntry } from "../../common/engine/catalog";
import { catalogPath } from "./paths";

export class CatalogError extends Error {
  override name = "CatalogError";
}

/** Checks catalog data (parsed JSON); throws a CatalogError that lists the first problems. */
export function parseCatalog(data: unknown, label = "the catalog"): Catalog {
  const result = catalogSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join(".") || "(top)"}: ${issue.message}`)
    .join("; ");
  throw new CatalogError(`${label} is not valid: ${problems}`);
}

/** Reads and validates models/catalog.json (or `file`). */
export async function loadCatalog(file: string = catalogPath()): Promise<Catalog> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CatalogError(`Cannot read the model catalog ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CatalogError(`The model catalog ${file} is not JSON: ${(error as Error).message}`);
  }
  return parseCatalog(data, `The model catalog ${file}`);
}

export function findCatalogEntry(catalog: Catalog, id: string): CatalogEntry | undefined {
  return catalog.models.find((m) => m.id === id.toLowerCase());
}

export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";

/** The Hugging Face endpoint: DRAFTLINE_HF_ENDPOINT (tests point it at a loopback server) or the real one. */
export function hfEndpoint(env: Record<string, string | undefined> = process.env): string {
  return (env.DRAFTLINE_HF_ENDPOINT || DEFAULT_HF_ENDPOINT).replace(/\/+$/, "");
}

const HF_URI = /^hf:([\w.-]+)\/([\w.-]+)\/([\w./-]+)$/;

/** `hf:user/repo/path/file.gguf` → `<endpoint>/user/repo/resolve/main/path/file.gguf`. */
export function resolveHfUri(uri: string, endpoint: string = hfEndpoint()): string {
  const match = HF_URI.exec(uri);
  if (!match) throw new CatalogError(`'${uri}' is not a Hugging Face file URI (hf:user/repo/file.gguf).`);
  const [, user = "", repo = "", file = ""] = match;
  const encoded = file.split("/").map(encodeURIComponent).join("/");
  return `${endpoint.replace(/\/+$/, "")}/${user}/${repo}/resolve/main/${encoded}`;
}
