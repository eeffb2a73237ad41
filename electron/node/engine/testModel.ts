// The tiny test model: a valid GGUF (llama architecture) of about half a megabyte with seeded random
// weights, a GPT-2 style byte-level BPE vocabulary trained on a short built-in text, the IS-CoT tags as
// single tokens and a ChatML chat template. It loads in real llama.cpp and generates thousands of tokens
// per second on one thread, so the model test suite can exercise the whole inference path without a
// download. Written with Node's standard library only (the `draftline test-model` command uses it).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** The IS-CoT tags, each a single user-defined token in the test model's vocabulary. */
export const TEST_MODEL_TAGS = [
  "<global_plan>",
  "</global_plan>",
  "<step_plan>",
  "</step_plan>",
  "<content>",
  "</content>",
  "<reflection>",
  "</reflection>",
  "<FINISHED>",
] as const;

/** Chat control tokens; `<|endoftext|>` is the end-of-sequence token, `<|im_end|>` ends a turn. */
export const TEST_MODEL_CONTROL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] as const;

export const TEST_MODEL_CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export interface TestModelOptions {
  /** Seed of the random weights (same seed, same bytes). */
  seed?: number;
  /** Number of BPE merges learned from the built-in text. */
  merges?: number;
  /** `llama.context_length`. */
  contextLength?: number;
  /** Metadata keys to leave out, to build files llama.cpp cannot load (tests of the GGUF checks). */
  omitKeys?: string[];
  /** Attention heads (default 4, a head size of 16) and key-value heads (default 2, dividing them). A quantized KV cache needs heads of 32 elements or more (2 heads). */
  heads?: number;
  kvHeads?: number;
  /** "llama" (default) or "qwen3" (query and key norms per layer, as llama.cpp's qwen3 architecture has): node-llama-cpp picks a chat wrapper by it. */
  architecture?: "llama" | "qwen3";
  /** `tokenizer.chat_template` (default: plain ChatML); null leaves it out. */
  chatTemplate?: string | null;
  /** `general.name` (default "Draftline tiny test model"). */
  name?: string;
  /** More `general.*` keys (basename, size_label, finetune, base_model.0.name…): how a model names itself. */
  general?: Record<string, string | number>;
  /**
   * How the IS-CoT tags are in the vocabulary: user-defined tokens (default, as added tokens that are
   * not special), control tokens (special: matched in text only when special tokens are parsed, like
   * a fine-tune whose tags were added as special tokens), or absent (several ordinary tokens each).
   */
  tags?: "user-defined" | "control" | "none";
  /** More tokens, each one token of the vocabulary: `control` (special) or `user-defined`. E.g. Qwen3's `<think>`. */
  extraTokens?: { text: string; type: "control" | "user-defined" }[];
}

// Shape of the network: small enough to be fast, large enough to be a real transformer.
const EMBEDDING = 64;
const LAYERS = 2;
const HEADS = 4;
const KV_HEADS = 2;
const FEED_FORWARD = 128;
const ALIGNMENT = 32;

const TRAINING_TEXT = `
The writer plans the whole document first, then writes it one section at a time. Each section has a
budget of words, and the plan says what the section must cover. After every segment the writer reflects:
how many words are written, whether the text follows the plan, and what the next step should be.
A long report needs a clear structure: an introduction, the main sections, and a conclusion that
returns to the question of the introduction. The reader should always know where the argument is going.
Good writing is specific. It names things, it gives numbers, and it shows the evidence for each claim.
When the draft is longer than the target, the writer cuts; when it is shorter, the writer adds detail
where the plan asks for it. The story of the city begins with the river, the bridge and the market.
In the morning the people of the town open their shops; in the evening they meet in the square.
This is the plan, this is the content, and this is the reflection on the work that has been done.
`;

/** GPT-2's mapping of bytes to printable characters, so that every byte is a visible token text. */
function byteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + extra++);
  }
  return table;
}

/** Learns `count` BPE merges from the training text, GPT-2 style (words split before spaces). */
function learnMerges(count: number, bytes: string[]): [string, string][] {
  const words = new Map<string, number>();
  for (const word of TRAINING_TEXT.replace(/\s+/g, " ").match(/ ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+/g) ?? []) {
    words.set(word, (words.get(word) ?? 0) + 1);
  }
  const split = [...words].map(([word, n]) => ({ parts: [...Buffer.from(word, "utf8")].map((b) => bytes[b]!), n }));
  const merges: [string, string][] = [];
  while (merges.length < count) {
    const pairs = new Map<string, number>();
    for (const { parts, n } of split) {
      for (let i = 0; i + 1 < parts.length; i++) {
        const key = parts[i] + "\u0000" + parts[i + 1];
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    }
    let best: string | undefined;
    let bestCount = 1;
    for (const [key, n] of pairs) {
      if (n > bestCount || (n === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = n;
      }
    }
    if (best === undefined) break;
    const [left, right] = best.split("\u0000") as [string, string];
    merges.push([left, right]);
    for (const word of split) {
      const parts: string[] = [];
      for (let i = 0; i < word.parts.length; i++) {
        if (i + 1 < word.parts.length && word.parts[i] === left && word.parts[i + 1] === right) {
          parts.push(left + right);
          i++;
        } else parts.push(word.parts[i]!);
      }
      word.parts = parts;
    }
  }
  return merges;
}

/** Seeded PRNG (mulberry32) and a normal deviate from it, so the weights are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

/** A metadata value as the writer encodes it. */
export type MetadataValue =
  | { type: "u32"; value: number }
  | { type: "u64"; value: number | bigint }
  | { type: "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "strings"; value: string[] }
  | { type: "i32s"; value: number[] };

/** Appends GGUF-encoded values to a list of buffers (also used to build damaged files for tests). */
export class GgufWriter {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  private push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.size += buffer.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  u64(value: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  raw(buffer: Buffer): void {
    this.push(buffer);
  }
  pad(): void {
    const rest = this.size % ALIGNMENT;
    if (rest !== 0) this.push(Buffer.alloc(ALIGNMENT - rest));
  }
  keyValue(key: string, value: MetadataValue): void {
    this.string(key);
    switch (value.type) {
      case "u32":
        this.u32(4);
        this.u32(value.value);
        break;
      case "u64":
        this.u32(10);
        this.u64(value.value);
        break;
      case "f32": {
        this.u32(6);
        const b = Buffer.alloc(4);
        b.writeFloatLE(value.value);
        this.push(b);
        break;
      }
      case "bool":
        this.u32(7);
        this.push(Buffer.from([value.value ? 1 : 0]));
        break;
      case "string":
        this.u32(8);
        this.string(value.value);
        break;
      case "strings":
        this.u32(9);
        this.u32(8);
        this.u64(value.value.length);
        for (const s of value.value) this.string(s);
        break;
      case "i32s": {
        this.u32(9);
        this.u32(5);
        this.u64(value.value.length);
        const b = Buffer.alloc(4 * value.value.length);
        value.value.forEach((v, i) => b.writeInt32LE(v, 4 * i));
        this.push(b);
        break;
      }
      default:
        value satisfies never;
    }
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

export interface TestModelTensor {
  name: string;
  /** ggml order: the fastest-varying dimension first. */
  dims: number[];
  data: Float32Array;
}

/** What the test model is made of: its metadata and its tensors, in file order. */
export interface TestModelParts {
  metadata: [string, MetadataValue][];
  tensors: TestModelTensor[];
}

/** Builds the test model's bytes. Deterministic for a given set of options; takes a few milliseconds. */
export function buildTestModel(options: TestModelOptions = {}): Buffer {
  const parts = testModelParts(options);
  const omit = options.omitKeys ?? [];
  return encodeGguf({ ...parts, metadata: parts.metadata.filter(([key]) => !omit.includes(key)) });
}

/** The test model's metadata and tensors, before they are encoded (tests change them to build bad files). */
export function testModelParts(options: TestModelOptions = {}): TestModelParts {
  const { seed = 1234, merges: mergeCount = 200, contextLength = 4096, heads = HEADS, kvHeads = KV_HEADS, architecture = "llama", tags = "user-defined" } = options;
  const arch = architecture;
  const headSize = EMBEDDING / heads;
  const bytes = byteToUnicode();
  const merges = learnMerges(mergeCount, bytes);
  const tokens = [...bytes, ...merges.map(([a, b]) => a + b)];
  const types = tokens.map(() => 1);
  for (const t of TEST_MODEL_CONTROL_TOKENS) {
    tokens.push(t);
    types.push(3);
  }
  if (tags !== "none") {
    for (const t of TEST_MODEL_TAGS) {
      tokens.push(t);
      types.push(tags === "control" ? 3 : 4);
    }
  }
  for (const t of options.extraTokens ?? []) {
    tokens.push(t.text);
    types.push(t.type === "control" ? 3 : 4);
  }
  const vocab = tokens.length;
  const eos = tokens.indexOf("<|endoftext|>");

  const metadata: [string, MetadataValue][] = [
    ["general.architecture", { type: "string", value: arch }],
    ["general.name", { type: "string", value: options.name ?? "Draftline tiny test model" }],
    ...Object.entries(options.general ?? {}).map(([key, value]): [string, MetadataValue] => [`general.${key}`, typeof value === "string" ? { type: "string", value } : { type: "u32", value }]),
    ["general.file_type", { type: "u32", value: 0 }],
    ["general.alignment", { type: "u32", value: ALIGNMENT }],
    [`${arch}.context_length`, { type: "u32", value: contextLength }],
    [`${arch}.embedding_length`, { type: "u32", value: EMBEDDING }],
    [`${arch}.block_count`, { type: "u32", value: LAYERS }],
    [`${arch}.feed_forward_length`, { type: "u32", value: FEED_FORWARD }],
    [`${arch}.attention.head_count`, { type: "u32", value: heads }],
    [`${arch}.attention.head_count_kv`, { type: "u32", value: kvHeads }],
    [`${arch}.attention.layer_norm_rms_epsilon`, { type: "f32", value: 1e-5 }],
    [`${arch}.rope.dimension_count`, { type: "u32", value: headSize }],
    [`${arch}.rope.freq_base`, { type: "f32", value: 10000 }],
    [`${arch}.vocab_size`, { type: "u32", value: vocab }],
    ["tokenizer.ggml.model", { type: "string", value: "gpt2" }],
    ["tokenizer.ggml.pre", { type: "string", value: "qwen2" }],
    ["tokenizer.ggml.tokens", { type: "strings", value: tokens }],
    ["tokenizer.ggml.token_type", { type: "i32s", value: types }],
    ["tokenizer.ggml.merges", { type: "strings", value: merges.map(([a, b]) => `${a} ${b}`) }],
    ["tokenizer.ggml.eos_token_id", { type: "u32", value: eos }],
    ["tokenizer.ggml.bos_token_id", { type: "u32", value: eos }],
    ["tokenizer.ggml.padding_token_id", { type: "u32", value: eos }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: false }],
    ...(options.chatTemplate === null ? [] : [["tokenizer.chat_template", { type: "string", value: options.chatTemplate ?? TEST_MODEL_CHAT_TEMPLATE }] as [string, MetadataValue]]),
  ];

  const normal = random(seed);
  const weights = (n: number, scale: number) => Float32Array.from({ length: n }, () => normal() * scale);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const embedding = weights(EMBEDDING * vocab, 1);
  // A separate output matrix whose rows for control tokens are zero: random weights would otherwise
  // end many generations after a few tokens, which makes the model useless for streaming tests.
  const output = weights(EMBEDDING * vocab, 1);
  types.forEach((type, token) => {
    if (type === 3) output.fill(0, token * EMBEDDING, (token + 1) * EMBEDDING);
  });
  const tensors: TestModelTensor[] = [
    { name: "token_embd.weight", dims: [EMBEDDING, vocab], data: embedding },
    { name: "output_norm.weight", dims: [EMBEDDING], data: ones(EMBEDDING) },
    { name: "output.weight", dims: [EMBEDDING, vocab], data: output },
  ];
  const kv = kvHeads * headSize;
  for (let l = 0; l < LAYERS; l++) {
    const s = 1 / Math.sqrt(EMBEDDING);
    tensors.push(
      { name: `blk.${l}.attn_norm.weight`, dims: [EMBEDDING], data: ones(EMBEDDING) },
      // Qwen3 normalizes each head's queries and keys.
      ...(arch === "qwen3"
        ? [
            { name: `blk.${l}.attn_q_norm.weight`, dims: [headSize], data: ones(headSize) },
            { name: `blk.${l}.attn_k_norm.weight`, dims: [headSize], data: ones(headSize) },
          ]
        : []),
      { name: `blk.${l}.attn_q.weight`, dims: [EMBEDDING, EMBEDDING], data: weights(EMBEDDING * EMBEDDING, s) },
      { name: `blk.${l}.attn_k.weight`, dims: [EMBEDDING, kv], data: weights(EMBEDDING * kv, s) },
      { name: `blk.${l}.attn_v.weight`, dims: [EMBEDDING, kv], data: weights(EMBEDDING * kv, s) },
      { name: `blk.${l}.attn_output.weight`, dims: [EMBEDDING, EMBEDDING], data: weights(EMBEDDING * EMBEDDING, s) },
      { name: `blk.${l}.ffn_norm.weight`, dims: [EMBEDDING], data: ones(EMBEDDING) },
      { name: `blk.${l}.ffn_gate.weight`, dims: [EMBEDDING, FEED_FORWARD], data: weights(EMBEDDING * FEED_FORWARD, s) },
      { name: `blk.${l}.ffn_up.weight`, dims: [EMBEDDING, FEED_FORWARD], data: weights(EMBEDDING * FEED_FORWARD, s) },
      { name: `blk.${l}.ffn_down.weight`, dims: [FEED_FORWARD, EMBEDDING], data: weights(FEED_FORWARD * EMBEDDING, 1 / Math.sqrt(FEED_FORWARD)) },
    );
  }

  return { metadata, tensors };
}

/** Encodes metadata and F32 tensors as a GGUF v3 file, 32-byte aligned. */
export function encodeGguf({ metadata, tensors }: TestModelParts): Buffer {
  const w = new GgufWriter();
  w.raw(Buffer.from("GGUF", "ascii"));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(metadata.length);
  for (const [key, value] of metadata) w.keyValue(key, value);
  let offset = 0;
  for (const t of tensors) {
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(0); // GGML_TYPE_F32
    w.u64(offset);
    offset += Math.ceil(t.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  w.pad();
  for (const t of tensors) {
    w.raw(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad();
  }
  return w.toBuffer();
}

/** Writes the test model to `file` and returns its size in bytes. */
export async function writeTestModel(file: string, options: TestModelOptions = {}): Promise<number> {
  const bytes = buildTestModel(options);
  await writeFile(file, bytes);
  return bytes.length;
}

/**
 * The test model in `dir` (default: the system's temporary folder), written once per content: the
 * file name carries a hash of the bytes, so an existing file is reused as is.
 */
export async function ensureTestModel(dir: string = os.tmpdir(), options: TestModelOptions = {}): Promise<string> {
  const bytes = buildTestModel(options);
  const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
  const file = path.join(dir, `draftline-tiny-${hash}.gguf`);
  if (!existsSync(file)) {
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, file);
  }
  return file;
}
