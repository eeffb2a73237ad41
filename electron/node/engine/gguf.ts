// Looking at a GGUF file before anything loads it. llama.cpp aborts the whole process (GGML_ASSERT,
// SIGFPE, SIGILL) on some malformed files instead of returning an error, and node-llama-cpp's own
// header reader allocates whatever a header declares (an array of 2^40 elements, a 2^32-byte string).
// So every file is read here first, in plain JavaScript that bounds every count and length by what
// the file can hold and by fixed limits: a file that is not a GGUF, is cut short, declares impossible
// sizes, or lacks (or has nonsensical) metadata llama.cpp needs is refused with a message the writer
// can act on, and neither llama.cpp nor node-llama-cpp ever sees it. This module does not import
// node-llama-cpp, so the app's process can check a file without starting any engine.
import { open, stat, type FileHandle } from "node:fs/promises";

export class GgufError extends Error {
  override name = "GgufError";
}

/** What the CLI and the models panel show about a GGUF file. */
export interface GgufFacts {
  path: string;
  sizeBytes: number;
  ggufVersion: number;
  architecture: string;
  name?: string;
  /** How the file names its model besides general.name: its base name, size label ("8B"), fine-tune ("Instruct"), and the first model it was fine-tuned from. */
  basename?: string;
  sizeLabel?: string;
  finetune?: string;
  baseModel?: string;
  /** Total parameters (sum of tensor elements). */
  parameters: number;
  /** The context length the model was trained with. */
  contextLength?: number;
  layers?: number;
  embeddingLength?: number;
  headCount?: number;
  /** Key and value elements the KV cache holds per token: Σ over layers of KV heads × (key + value length). */
  kvElementsPerToken?: number;
  /** Elements of one attention head's key (a quantized KV cache stores them in blocks of 32). */
  headSize?: number;
  /** `general.file_type` as a name ("MOSTLY_Q4_K_M"). */
  quantization?: string;
  hasChatTemplate: boolean;
  vocabularySize?: number;
  tensorCount: number;
}

/**
 * The bounds of the reader. Real models stay far inside them: a 262k-token vocabulary with its merges
 * is under 15 MB of header, the largest models have a few thousand tensors and llama.cpp itself
 * stops at 512 layers and 512 experts.
 */
export interface GgufLimits {
  /** Bytes of header (metadata and tensor descriptions) read at most. */
  maxHeaderBytes: number;
  maxMetadataEntries: number;
  maxTensors: number;
  maxKeyBytes: number;
  /** Bytes of one string value (a chat template is the longest, tens of kilobytes). */
  maxStringBytes: number;
  maxArrayLength: number;
}

export const GGUF_LIMITS: GgufLimits = {
  maxHeaderBytes: 64 * 1024 * 1024,
  maxMetadataEntries: 65_536,
  maxTensors: 65_536,
  maxKeyBytes: 1024,
  maxStringBytes: 16 * 1024 * 1024,
  maxArrayLength: 1 << 23,
};

/** Sane values of the hyperparameters llama.cpp sizes its buffers by (llama-hparams.h, llama-model.cpp). */
const MAX_LAYERS = 512; // LLAMA_MAX_LAYERS
const MAX_EXPERTS = 512; // LLAMA_MAX_EXPERTS
const MAX_EMBEDDING = 1 << 17;
const MAX_CONTEXT = 1 << 24;
const MAX_FEED_FORWARD = 1 << 20;
const MAX_HEADS = 4096;
const MAX_HEAD_SIZE = 1 << 16;
const MAX_TENSOR_NAME = 63; // GGML_MAX_NAME less its terminating zero
const MAX_DIMS = 4; // GGML_MAX_DIMS

/** Architectures without attention heads or feed-forward blocks (state-space and RWKV models). */
const RECURRENT_ARCHITECTURES = new Set(["mamba", "mamba2", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7"]);

/** [elements per block, bytes per block] of the ggml tensor types, by type id (ggml.h). */
const GGML_TYPE_BLOCKS: Record<number, [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  16: [256, 66], // IQ2_XXS
  17: [256, 74], // IQ2_XS
  18: [256, 98], // IQ3_XXS
  19: [256, 50], // IQ1_S
  20: [32, 18], // IQ4_NL
  21: [256, 110], // IQ3_S
  22: [256, 82], // IQ2_S
  23: [256, 136], // IQ4_XS
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  29: [256, 56], // IQ1_M
  30: [1, 2], // BF16
  34: [256, 54], // TQ1_0
  35: [256, 66], // TQ2_0
  39: [32, 17], // MXFP4
};

/** `general.file_type` names (llama.h's LLAMA_FTYPE_*, as node-llama-cpp names them). */
const FILE_TYPES = [
  "ALL_F32", "MOSTLY_F16", "MOSTLY_Q4_0", "MOSTLY_Q4_1", "MOSTLY_Q4_1_SOME_F16", "MOSTLY_Q4_2", "MOSTLY_Q4_3", "MOSTLY_Q8_0",
  "MOSTLY_Q5_0", "MOSTLY_Q5_1", "MOSTLY_Q2_K", "MOSTLY_Q3_K_S", "MOSTLY_Q3_K_M", "MOSTLY_Q3_K_L", "MOSTLY_Q4_K_S", "MOSTLY_Q4_K_M",
  "MOSTLY_Q5_K_S", "MOSTLY_Q5_K_M", "MOSTLY_Q6_K", "MOSTLY_IQ2_XXS", "MOSTLY_IQ2_XS", "MOSTLY_Q2_K_S", "MOSTLY_IQ3_XS", "MOSTLY_IQ3_XXS",
  "MOSTLY_IQ1_S", "MOSTLY_IQ4_NL", "MOSTLY_IQ3_S", "MOSTLY_IQ3_M", "MOSTLY_IQ2_S", "MOSTLY_IQ2_M", "MOSTLY_IQ4_XS", "MOSTLY_IQ1_M",
  "MOSTLY_BF16", "MOSTLY_Q4_0_4_4", "MOSTLY_Q4_0_4_8", "MOSTLY_Q4_0_8_8", "MOSTLY_TQ1_0", "MOSTLY_TQ2_0", "MOSTLY_MXFP4_MOE",
];

/** GGUF metadata value types (gguf.h). */
const enum T {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
}

/** Bytes of a value of each fixed-size type; a string takes at least its 8-byte length. */
const VALUE_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 8: 8, 10: 8, 11: 8, 12: 8 };
const TYPE_NAMES: Record<number, string> = { 0: "u8", 1: "i8", 2: "u16", 3: "i16", 4: "u32", 5: "i32", 6: "f32", 7: "bool", 8: "string", 9: "array", 10: "u64", 11: "i64", 12: "f64" };

/** Numeric arrays up to this length keep their values (per-layer head counts and the like). */
const KEPT_ARRAY_VALUES = 4096;

export type GgufScalar = number | boolean | string;
export interface GgufArray {
  kind: "array";
  type: number;
  length: number;
  /** The values of a numeric array of at most KEPT_ARRAY_VALUES elements. */
  values?: readonly number[];
}
export type GgufValue = GgufScalar | GgufArray;

export interface GgufTensor {
  name: string;
  dims: readonly number[];
  type: number;
  /** Offset of the tensor's data from the start of the data section. */
  offset: number;
  elements: number;
  bytes: number;
}

/** A GGUF header as read here: every count and size checked against the file and the limits. */
export interface GgufHeader {
  version: number;
  metadata: ReadonlyMap<string, GgufValue>;
  tensors: readonly GgufTensor[];
  /** Where the tensor data starts (the header's end, aligned). */
  dataOffset: number;
  /** Bytes of the header (metadata and tensor descriptions). */
  headerBytes: number;
}

const CHUNK = 1 << 20;

/** Why the reader stopped: the file ends, or the header goes past the limit. */
class ReadBeyond extends Error {
  constructor(
    readonly needed: number,
    readonly pastFile: boolean,
  ) {
    super("read beyond");
  }
}

/** Sequential reads of a file's head through a 1 MiB window; never past `limit` or the file's end. */
class HeaderReader {
  offset = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly limit: number,
  ) {}

  /** Makes the next `n` bytes readable. */
  async need(n: number): Promise<void> {
    const end = this.offset + n;
    if (end > this.size || end > this.limit) throw new ReadBeyond(end, end > this.size);
    if (this.offset >= this.windowStart && end <= this.windowStart + this.window.length) return;
    const length = Math.min(Math.max(n, CHUNK), this.size - this.offset, this.limit - this.offset);
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await this.handle.read(buffer, read, length - read, this.offset + read);
      if (bytesRead === 0) throw new ReadBeyond(this.offset + read + 1, true);
      read += bytesRead;
    }
    this.window = buffer;
    this.windowStart = this.offset;
  }

  /** Skips `n` bytes without reading them. */
  skip(n: number): void {
    const end = this.offset + n;
    if (end > this.size || end > this.limit) throw new ReadBeyond(end, end > this.size);
    this.offset = end;
  }

  private at(n: number): number {
    const position = this.offset - this.windowStart;
    this.offset += n;
    return position;
  }

  async u32(): Promise<number> {
    await this.need(4);
    return this.window.readUInt32LE(this.at(4));
  }

  /** A u64 as a number, or Infinity when it is beyond 2^53 (every use bounds it far lower). */
  async u64(): Promise<number> {
    await this.need(8);
    const value = this.window.readBigUInt64LE(this.at(8));
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(value);
  }

  async scalar(type: number): Promise<number | boolean> {
    await this.need(VALUE_SIZE[type]!);
    const w = this.window;
    switch (type) {
      case T.U8:
        return w.readUInt8(this.at(1));
      case T.I8:
        return w.readInt8(this.at(1));
      case T.U16:
        return w.readUInt16LE(this.at(2));
      case T.I16:
        return w.readInt16LE(this.at(2));
      case T.U32:
        return w.readUInt32LE(this.at(4));
      case T.I32:
        return w.readInt32LE(this.at(4));
      case T.F32:
        return w.readFloatLE(this.at(4));
      case T.BOOL:
        return w.readUInt8(this.at(1)) !== 0;
      case T.U64:
        return Number(w.readBigUInt64LE(this.at(8)));
      case T.I64:
        return Number(w.readBigInt64LE(this.at(8)));
      default:
        return w.readDoubleLE(this.at(8));
    }
  }

  async bytes(n: number): Promise<Buffer> {
    await this.need(n);
    const start = this.at(n);
    return this.window.subarray(start, start + n);
  }
}

function describe(file: string): string {
  return `'${file}'`;
}

const formatCount = (n: number) => (Number.isFinite(n) ? n.toLocaleString("en-US") : "more than 2^53");

/** A refusal of a damaged or hostile header. */
function damaged(file: string, problem: string): GgufError {
  return new GgufError(`${describe(file)} has a damaged GGUF header: ${problem}. It was not loaded.`);
}

/**
 * Reads and bounds a GGUF header. Throws a GgufError when the file is not a GGUF, is cut short, or
 * declares counts and sizes that the file cannot hold or that exceed `limits`.
 */
export async function readGgufHeader(file: string, limits: GgufLimits = GGUF_LIMITS): Promise<GgufHeader & { size: number }> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new GgufError(`${describe(file)} is not a file.`);
    size = s.size;
  } catch (error) {
    if (error instanceof GgufError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new GgufError(code === "ENOENT" ? `${describe(file)} does not exist.` : `Cannot read ${describe(file)}: ${(error as Error).message}`);
  }
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    throw new GgufError(`Cannot read ${describe(file)}: ${(error as Error).message}`);
  }
  const reader = new HeaderReader(handle, size, limits.maxHeaderBytes);
  try {
    return { ...(await readHeader(reader, file, limits)), size };
  } catch (error) {
    if (error instanceof ReadBeyond) {
      if (error.pastFile) {
        throw new GgufError(
          `${describe(file)} is truncated: its GGUF header alone needs at least ${formatCount(error.needed)} bytes but the file has ${formatCount(size)}. Download it again (or resume the download).`,
        );
      }
      throw damaged(file, `its header is larger than ${limits.maxHeaderBytes / (1024 * 1024)} MiB, far beyond any real model's`);
    }
    throw error;
  } finally {
    await handle.close();
  }
}

async function readHeader(reader: HeaderReader, file: string, limits: GgufLimits): Promise<GgufHeader> {
  if (reader.size < 4 || (await reader.bytes(4)).toString("latin1") !== "GGUF") {
    throw new GgufError(`${describe(file)} is not a GGUF model file (a GGUF file starts with the letters GGUF).`);
  }
  const version = await reader.u32();
  if (version !== 2 && version !== 3) {
    throw new GgufError(
      version === 1
        ? `${describe(file)} is a GGUF file of version 1, which llama.cpp no longer reads. Download a newer conversion of the model.`
        : `${describe(file)} is a GGUF file of version ${version}, which this version of Draftline cannot read (versions 2 and 3 only; a big-endian file also shows up this way).`,
    );
  }
  const tensorCount = await reader.u64();
  const entryCount = await reader.u64();
  if (tensorCount > limits.maxTensors) throw damaged(file, `it declares ${formatCount(tensorCount)} tensors (at most ${formatCount(limits.maxTensors)} are accepted)`);
  if (entryCount > limits.maxMetadataEntries) throw damaged(file, `it declares ${formatCount(entryCount)} metadata entries (at most ${formatCount(limits.maxMetadataEntries)} are accepted)`);

  /** The bytes still readable for the header. */
  const left = () => Math.min(reader.size, reader.limit) - reader.offset;
  const readString = async (max: number, what: () => string): Promise<string> => {
    const length = await reader.u64();
    if (length > max) throw damaged(file, `${what()} is ${formatCount(length)} bytes long (at most ${formatCount(max)} are accepted)`);
    if (length > left()) throw new ReadBeyond(reader.offset + length, reader.offset + length > reader.size);
    return (await reader.bytes(length)).toString("utf8");
  };
  const printable = (key: string) => JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);

  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < entryCount; i++) {
    const key = await readString(limits.maxKeyBytes, () => `metadata key ${i + 1}`);
    if (key === "") throw damaged(file, `metadata key ${i + 1} is empty`);
    if (metadata.has(key)) throw damaged(file, `the metadata key ${printable(key)} appears twice`);
    const type = await reader.u32();
    const what = () => `the value of ${printable(key)}`;
    if (type === T.ARRAY) {
      const elementType = await reader.u32();
      const length = await reader.u64();
      if (elementType === T.ARRAY) throw damaged(file, `${what()} is an array of arrays, which llama.cpp does not read`);
      const elementSize = VALUE_SIZE[elementType];
      if (elementSize === undefined) throw damaged(file, `${what()} is an array of unknown type ${elementType}`);
      if (length > limits.maxArrayLength) throw damaged(file, `${what()} is an array of ${formatCount(length)} elements (at most ${formatCount(limits.maxArrayLength)} are accepted)`);
      if (length * elementSize > left()) throw new ReadBeyond(reader.offset + length * elementSize, reader.offset + length * elementSize > reader.size);
      if (elementType === T.STRING) {
        for (let e = 0; e < length; e++) {
          const n = await reader.u64();
          if (n > limits.maxStringBytes) throw damaged(file, `element ${e} of ${what()} is ${formatCount(n)} bytes long (at most ${formatCount(limits.maxStringBytes)} are accepted)`);
          reader.skip(n);
        }
        metadata.set(key, { kind: "array", type: elementType, length });
      } else if (length <= KEPT_ARRAY_VALUES) {
        const values: number[] = [];
        for (let e = 0; e < length; e++) values.push(Number(await reader.scalar(elementType)));
        metadata.set(key, { kind: "array", type: elementType, length, values });
      } else {
        reader.skip(length * elementSize);
        metadata.set(key, { kind: "array", type: elementType, length });
      }
    } else if (type === T.STRING) {
      metadata.set(key, await readString(limits.maxStringBytes, what));
    } else if (VALUE_SIZE[type] !== undefined) {
      metadata.set(key, await reader.scalar(type));
    } else {
      throw damaged(file, `${what()} has the unknown type ${type}`);
    }
  }

  const alignment = metadata.get("general.alignment") ?? 32;
  if (typeof alignment !== "number" || !Number.isInteger(alignment) || alignment < 1 || alignment > 1 << 20 || (alignment & (alignment - 1)) !== 0) {
    throw damaged(file, `general.alignment is ${describeValue(alignment)}, not a power of two`);
  }

  const tensors: GgufTensor[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = await readString(MAX_TENSOR_NAME, () => `the name of tensor ${i + 1}`);
    if (names.has(name)) throw damaged(file, `the tensor ${printable(name)} appears twice`);
    names.add(name);
    const dimCount = await reader.u32();
    if (dimCount < 1 || dimCount > MAX_DIMS) throw damaged(file, `the tensor ${printable(name)} has ${dimCount} dimensions (ggml has 1 to ${MAX_DIMS})`);
    const dims: number[] = [];
    let elements = 1;
    for (let d = 0; d < dimCount; d++) {
      const dim = await reader.u64();
      if (dim < 1 || !Number.isFinite(dim)) throw damaged(file, `the tensor ${printable(name)} has a dimension of ${formatCount(dim)}`);
      dims.push(dim);
      elements *= dim;
    }
    const type = await reader.u32();
    const block = GGML_TYPE_BLOCKS[type];
    if (!block) throw damaged(file, `the tensor ${printable(name)} has the unknown or removed ggml type ${type}`);
    if (dims[0]! % block[0] !== 0) throw damaged(file, `the tensor ${printable(name)} has rows of ${dims[0]} elements, not a multiple of its type's block of ${block[0]}`);
    const offset = await reader.u64();
    const bytes = (elements / block[0]) * block[1];
    if (!Number.isSafeInteger(elements) || !Number.isSafeInteger(bytes) || bytes > reader.size) {
      throw damaged(file, `the tensor ${printable(name)} (${dims.join(" × ")}) needs more bytes than the whole file has`);
    }
    if (!Number.isSafeInteger(offset) || offset % alignment !== 0) throw damaged(file, `the tensor ${printable(name)} has the offset ${formatCount(offset)}, not a multiple of the alignment ${alignment}`);
    tensors.push({ name, dims, type, offset, elements, bytes });
  }
  const headerBytes = reader.offset;
  const dataOffset = Math.ceil(headerBytes / alignment) * alignment;
  return { version, metadata, tensors, dataOffset, headerBytes };
}

function describeValue(value: GgufValue | undefined): string {
  if (value === undefined) return "missing";
  if (typeof value === "object") return `an array of ${formatCount(value.length)} ${TYPE_NAMES[value.type] ?? "unknown"} values`;
  if (typeof value === "string") return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return String(value);
}

/** A whole number in [min, max], or undefined when absent; anything else is refused. */
function integerAt(header: GgufHeader, file: string, key: string, min: number, max: number): number | undefined {
  const value = header.metadata.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new GgufError(`${describe(file)} has ${key} = ${describeValue(value)}; llama.cpp needs a whole number from ${min} to ${formatCount(max)}. Loading it would crash the engine, so it was not loaded.`);
  }
  return value;
}

/**
 * A per-layer value (a number, or an array of one number per layer), each in [min, max]; undefined
 * when absent. Returns one value per layer.
 */
function perLayerAt(header: GgufHeader, file: string, key: string, layers: number, min: number, max: number): number[] | undefined {
  const value = header.metadata.get(key);
  if (value === undefined) return undefined;
  if (typeof value === "object") {
    const values = value.values;
    if (!values || value.length !== layers || values.some((v) => !Number.isInteger(v) || v < 0 || v > max) || !values.some((v) => v >= min)) {
      throw new GgufError(
        `${describe(file)} has ${key} = ${describeValue(value)}; llama.cpp needs one whole number per layer (${layers}), from 0 to ${formatCount(max)}, not all below ${min}. Loading it would crash the engine, so it was not loaded.`,
      );
    }
    return [...values];
  }
  const single = integerAt(header, file, key, min, max)!;
  return new Array<number>(layers).fill(single);
}

/** Why a header llama.cpp would choke on is refused, or the facts of a sound one. */
export function checkGgufHeader(file: string, header: GgufHeader & { size: number }): GgufFacts {
  const { metadata, tensors, size } = header;
  const refuse = (problem: string) => new GgufError(`${describe(file)} ${problem} Loading it would crash the engine, so it was not loaded.`);

  // The tensor data must all be in the file: a cut download has a valid header and missing weights.
  let dataEnd = header.dataOffset;
  let parameters = 0;
  for (const tensor of tensors) {
    parameters += tensor.elements;
    dataEnd = Math.max(dataEnd, header.dataOffset + tensor.offset + tensor.bytes);
  }
  if (size < dataEnd) {
    throw new GgufError(`${describe(file)} is truncated: its tensors need ${dataEnd} bytes but the file has ${size}. Download it again (or resume the download).`);
  }

  const architecture = metadata.get("general.architecture");
  if (typeof architecture !== "string" || architecture === "") {
    throw new GgufError(`${describe(file)} lacks general.architecture: llama.cpp cannot load it.`);
  }
  if (!/^[a-z0-9_.-]{1,64}$/i.test(architecture)) throw refuse(`names the architecture ${describeValue(architecture)}, which is no architecture llama.cpp knows.`);
  const recurrent = RECURRENT_ARCHITECTURES.has(architecture);
  const required = [`${architecture}.context_length`, `${architecture}.embedding_length`, `${architecture}.block_count`];
  if (!recurrent) required.push(`${architecture}.feed_forward_length`, `${architecture}.attention.head_count`);
  required.push("tokenizer.ggml.model");
  const missing = required.filter((key) => !metadata.has(key));
  const tokenizer = metadata.get("tokenizer.ggml.model");
  if (tokenizer !== "none" && !metadata.has("tokenizer.ggml.tokens")) missing.push("tokenizer.ggml.tokens");
  if (missing.length > 0) {
    throw new GgufError(`${describe(file)} lacks metadata llama.cpp needs (${missing.join(", ")}); loading it would crash the engine, so it was not loaded.`);
  }
  if (tensors.length === 0) throw refuse("has no tensors: it holds no model weights.");

  const a = architecture;
  const contextLength = integerAt(header, file, `${a}.context_length`, 1, MAX_CONTEXT)!;
  const embedding = integerAt(header, file, `${a}.embedding_length`, 1, MAX_EMBEDDING)!;
  const layers = integerAt(header, file, `${a}.block_count`, 1, MAX_LAYERS)!;
  // Every layer llama.cpp builds must have weights here (a split file holds only some of them).
  const split = metadata.get("split.count");
  if (split === undefined || split === 1) {
    let highest = -1;
    for (const t of tensors) {
      const layer = /^blk\.(\d+)\./.exec(t.name)?.[1];
      if (layer !== undefined) highest = Math.max(highest, Number(layer));
    }
    if (highest + 1 < layers) throw refuse(`declares ${layers} layers but has weights for ${highest + 1}.`);
  }

  let headCount: number | undefined;
  let kvElementsPerToken: number | undefined;
  let keySize: number | undefined;
  if (!recurrent) {
    perLayerAt(header, file, `${a}.feed_forward_length`, layers, 1, MAX_FEED_FORWARD);
    const heads = perLayerAt(header, file, `${a}.attention.head_count`, layers, 1, MAX_HEADS)!;
    const kvHeads = perLayerAt(header, file, `${a}.attention.head_count_kv`, layers, 0, MAX_HEADS) ?? heads;
    heads.forEach((h, layer) => {
      const kv = kvHeads[layer]!;
      if (h > 0 && (kv === 0 || h % kv !== 0)) {
        throw refuse(`has ${h} attention heads and ${kv} key-value heads in layer ${layer}: the key-value heads must be at least 1 and divide the heads.`);
      }
    });
    headCount = heads[0];
    const firstHeads = heads.find((h) => h > 0)!;
    const keyLength = integerAt(header, file, `${a}.attention.key_length`, 1, MAX_HEAD_SIZE);
    const valueLength = integerAt(header, file, `${a}.attention.value_length`, 1, MAX_HEAD_SIZE);
    if (keyLength === undefined && embedding % firstHeads !== 0) {
      throw refuse(`has an embedding of ${embedding} that does not divide into its ${firstHeads} attention heads (and no ${a}.attention.key_length).`);
    }
    const headSize = keyLength ?? embedding / firstHeads;
    const kvHeadTotal = kvHeads.reduce((sum, kv, layer) => sum + (heads[layer]! > 0 ? kv : 0), 0);
    kvElementsPerToken = kvHeadTotal * (headSize + (valueLength ?? headSize));
    keySize = headSize;
    const rope = integerAt(header, file, `${a}.rope.dimension_count`, 1, MAX_HEAD_SIZE);
    if (rope !== undefined && rope > headSize) throw refuse(`rotates ${rope} dimensions of each attention head (${a}.rope.dimension_count), more than the head's ${headSize}.`);
  }
  const experts = integerAt(header, file, `${a}.expert_count`, 0, MAX_EXPERTS);
  const expertsUsed = integerAt(header, file, `${a}.expert_used_count`, 0, MAX_EXPERTS);
  if ((experts ?? 0) > 0 ? !expertsUsed || expertsUsed > experts! : (expertsUsed ?? 0) > 0) {
    throw refuse(`has ${experts ?? 0} experts of which ${expertsUsed ?? 0} are used per token: that cannot work.`);
  }

  let vocabularySize: number | undefined;
  if (tokenizer !== undefined && typeof tokenizer !== "string") throw refuse(`has tokenizer.ggml.model = ${describeValue(tokenizer)}, not the name of a tokenizer.`);
  const tokens = metadata.get("tokenizer.ggml.tokens");
  if (tokens !== undefined) {
    if (typeof tokens !== "object" || tokens.type !== T.STRING || tokens.length === 0) throw refuse(`has tokenizer.ggml.tokens = ${describeValue(tokens)}, not a list of token texts.`);
    vocabularySize = tokens.length;
    for (const key of ["tokenizer.ggml.token_type", "tokenizer.ggml.scores"]) {
      const list = metadata.get(key);
      if (list !== undefined && (typeof list !== "object" || list.length !== vocabularySize)) {
        throw refuse(`has ${key} = ${describeValue(list)} for a vocabulary of ${formatCount(vocabularySize)} tokens.`);
      }
    }
  }

  const name = metadata.get("general.name");
  const fileType = metadata.get("general.file_type");
  const text = (key: string) => {
    const value = metadata.get(key);
    return typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, 200) : undefined;
  };
  return {
    path: file,
    sizeBytes: size,
    ggufVersion: header.version,
    architecture,
    name: typeof name === "string" ? name : undefined,
    basename: text("general.basename"),
    sizeLabel: text("general.size_label"),
    finetune: text("general.finetune"),
    baseModel: text("general.base_model.0.name"),
    parameters,
    contextLength,
    layers,
    embeddingLength: embedding,
    headCount,
    kvElementsPerToken,
    headSize: keySize,
    quantization: typeof fileType === "number" ? (FILE_TYPES[fileType] ?? `file type ${fileType}`) : undefined,
    hasChatTemplate: typeof metadata.get("tokenizer.chat_template") === "string",
    vocabularySize,
    tensorCount: tensors.length,
  };
}

/**
 * Reads a GGUF file's header and checks that llama.cpp can load it, in bounded time and memory.
 * Throws a GgufError with a clear message when the file is not a GGUF, is truncated, declares
 * impossible sizes, or lacks or has nonsensical metadata. Never loads weights.
 */
export async function inspectGguf(file: string, limits: GgufLimits = GGUF_LIMITS): Promise<{ facts: GgufFacts; header: GgufHeader }> {
  const header = await readGgufHeader(file, limits);
  return { facts: checkGgufHeader(file, header), header };
}
