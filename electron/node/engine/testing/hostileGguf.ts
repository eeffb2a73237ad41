// Hostile and broken GGUF files, built with the test model's writer: each declares something that
// made llama.cpp abort (GGML_ASSERT, SIGFPE, SIGILL) or node-llama-cpp's header reader allocate
// without bound, and says how the bounded reader (../gguf.ts) must refuse it.
import { encodeGguf, GgufWriter, testModelParts, type MetadataValue, type TestModelParts } from "../testModel";

export interface HostileGguf {
  name: string;
  /** What is wrong with it, for the test's report. */
  what: string;
  bytes: Buffer;
  /** The refusal's message must match this. */
  refusal: RegExp;
}

/** The tiny test model with some metadata values replaced (or added). */
function withMetadata(changes: Record<string, MetadataValue>): Buffer {
  const parts = testModelParts();
  const metadata = parts.metadata.map(([key, value]): [string, MetadataValue] => [key, changes[key] ?? value]);
  for (const [key, value] of Object.entries(changes)) if (!metadata.some(([k]) => k === key)) metadata.push([key, value]);
  return encodeGguf({ ...parts, metadata });
}

function withParts(change: (parts: TestModelParts) => TestModelParts): Buffer {
  return encodeGguf(change(testModelParts()));
}

/**
 * A GGUF v3 header whose counts are given, followed by the test model's first metadata entries and
 * then `tail` (the hostile part), then some padding so the file is not simply cut short.
 */
function header(tail: (w: GgufWriter) => void, counts: { tensors?: number | bigint; entries?: number | bigint } = {}): Buffer {
  const w = new GgufWriter();
  w.raw(Buffer.from("GGUF", "ascii"));
  w.u32(3);
  w.u64(counts.tensors ?? 21);
  w.u64(counts.entries ?? 30);
  w.keyValue("general.architecture", { type: "string", value: "llama" });
  w.keyValue("general.name", { type: "string", value: "hostile" });
  tail(w);
  w.raw(Buffer.alloc(4096));
  return w.toBuffer();
}

const u32 = (value: number): MetadataValue => ({ type: "u32", value });

/** Every hostile file, with the refusal it must get. */
export function hostileGgufs(): HostileGguf[] {
  return [
    {
      name: "array-2e40.gguf",
      what: "a metadata array of 2^40 elements",
      bytes: header((w) => {
        w.string("tokenizer.ggml.tokens");
        w.u32(9);
        w.u32(8);
        w.u64(2n ** 40n);
      }),
      refusal: /the value of "tokenizer\.ggml\.tokens" is an array of 1,099,511,627,776 elements/,
    },
    {
      name: "array-f32-2e22.gguf",
      what: "a numeric array of 2^22 elements in a small file",
      bytes: header((w) => {
        w.string("tokenizer.ggml.scores");
        w.u32(9);
        w.u32(6);
        w.u64(2n ** 22n);
      }),
      refusal: /is truncated: its GGUF header alone needs at least 16,777,\d{3} bytes but the file has \d+/,
    },
    {
      name: "key-2e31.gguf",
      what: "a metadata key 2^31 bytes long",
      bytes: header((w) => w.u64(2n ** 31n)),
      refusal: /metadata key 3 is 2,147,483,648 bytes long/,
    },
    {
      name: "string-2e32.gguf",
      what: "a string value of 2^32 bytes",
      bytes: header((w) => {
        w.string("tokenizer.chat_template");
        w.u32(8);
        w.u64(2n ** 32n);
      }),
      refusal: /the value of "tokenizer\.chat_template" is 4,294,967,296 bytes long/,
    },
    {
      name: "string-array-element-2e32.gguf",
      what: "an element of a string array 2^32 bytes long",
      bytes: header((w) => {
        w.string("tokenizer.ggml.tokens");
        w.u32(9);
        w.u32(8);
        w.u64(3);
        w.string("a");
        w.u64(2n ** 32n);
      }),
      refusal: /element 1 of the value of "tokenizer\.ggml\.tokens" is 4,294,967,296 bytes long/,
    },
    {
      name: "entries-2e40.gguf",
      what: "2^40 metadata entries",
      bytes: header(() => undefined, { entries: 2n ** 40n }),
      refusal: /declares 1,099,511,627,776 metadata entries/,
    },
    {
      name: "tensors-2e40.gguf",
      what: "2^40 tensors",
      bytes: header(() => undefined, { tensors: 2n ** 40n }),
      refusal: /declares 1,099,511,627,776 tensors/,
    },
    {
      name: "nested-array.gguf",
      what: "an array of arrays",
      bytes: header((w) => {
        w.string("general.tags");
        w.u32(9);
        w.u32(9);
        w.u64(1);
      }),
      refusal: /is an array of arrays/,
    },
    {
      name: "unknown-type.gguf",
      what: "a value of an unknown type",
      bytes: header((w) => {
        w.string("general.mystery");
        w.u32(99);
      }),
      refusal: /"general\.mystery" has the unknown type 99/,
    },
    {
      name: "duplicate-key.gguf",
      what: "a key twice",
      bytes: header((w) => w.keyValue("general.architecture", { type: "string", value: "llama" })),
      refusal: /the metadata key "general\.architecture" appears twice/,
    },
    {
      name: "version-1.gguf",
      what: "GGUF version 1",
      bytes: (() => {
        const b = withMetadata({});
        b.writeUInt32LE(1, 4);
        return b;
      })(),
      refusal: /GGUF file of version 1, which llama\.cpp no longer reads/,
    },
    {
      name: "big-endian.gguf",
      what: "a version number of another byte order",
      bytes: (() => {
        const b = withMetadata({});
        b.writeUInt32BE(3, 4);
        return b;
      })(),
      refusal: /GGUF file of version 50331648/,
    },
    { name: "zero-heads.gguf", what: "0 attention heads", bytes: withMetadata({ "llama.attention.head_count": u32(0) }), refusal: /llama\.attention\.head_count = 0; llama\.cpp needs a whole number from 1/ },
    { name: "zero-kv-heads.gguf", what: "0 key-value heads", bytes: withMetadata({ "llama.attention.head_count_kv": u32(0) }), refusal: /4 attention heads and 0 key-value heads in layer 0/ },
    { name: "kv-heads-3.gguf", what: "key-value heads that do not divide the heads", bytes: withMetadata({ "llama.attention.head_count_kv": u32(3) }), refusal: /4 attention heads and 3 key-value heads/ },
    { name: "heads-5.gguf", what: "heads that do not divide the embedding", bytes: withMetadata({ "llama.attention.head_count": u32(5), "llama.attention.head_count_kv": u32(5) }), refusal: /embedding of 64 that does not divide into its 5 attention heads/ },
    { name: "heads-huge.gguf", what: "2^32-1 attention heads", bytes: withMetadata({ "llama.attention.head_count": u32(2 ** 32 - 1) }), refusal: /llama\.attention\.head_count = 4294967295/ },
    { name: "blocks-2e31.gguf", what: "2^31 layers", bytes: withMetadata({ "llama.block_count": u32(2 ** 31) }), refusal: /llama\.block_count = 2147483648; llama\.cpp needs a whole number from 1 to 512/ },
    { name: "blocks-500.gguf", what: "500 layers with weights for 2", bytes: withMetadata({ "llama.block_count": u32(500) }), refusal: /declares 500 layers but has weights for 2/ },
    { name: "blocks-zero.gguf", what: "0 layers", bytes: withMetadata({ "llama.block_count": u32(0) }), refusal: /llama\.block_count = 0/ },
    { name: "embedding-2e30.gguf", what: "an embedding of 2^30", bytes: withMetadata({ "llama.embedding_length": u32(2 ** 30) }), refusal: /llama\.embedding_length = 1073741824/ },
    { name: "context-zero.gguf", what: "a context of 0", bytes: withMetadata({ "llama.context_length": u32(0) }), refusal: /llama\.context_length = 0/ },
    { name: "context-2e40.gguf", what: "a context of 2^40", bytes: withMetadata({ "llama.context_length": { type: "u64", value: 2n ** 40n } }), refusal: /llama\.context_length = 1099511627776/ },
    { name: "ffn-zero.gguf", what: "a feed-forward length of 0", bytes: withMetadata({ "llama.feed_forward_length": u32(0) }), refusal: /llama\.feed_forward_length = 0/ },
    { name: "heads-as-text.gguf", what: "heads given as text", bytes: withMetadata({ "llama.attention.head_count": { type: "string", value: "four" } }), refusal: /llama\.attention\.head_count = the text "four"/ },
    { name: "heads-per-layer-wrong.gguf", what: "per-layer heads for 3 of 2 layers", bytes: withMetadata({ "llama.attention.head_count": { type: "i32s", value: [4, 4, 4] } }), refusal: /one whole number per layer \(2\)/ },
    { name: "rope-1024.gguf", what: "more rotary dimensions than the head has", bytes: withMetadata({ "llama.rope.dimension_count": u32(1024) }), refusal: /rotates 1024 dimensions of each attention head .* more than the head's 16/ },
    { name: "experts-100000.gguf", what: "100,000 experts", bytes: withMetadata({ "llama.expert_count": u32(100_000) }), refusal: /llama\.expert_count = 100000/ },
    { name: "experts-used-more.gguf", what: "more experts used than exist", bytes: withMetadata({ "llama.expert_count": u32(4), "llama.expert_used_count": u32(8) }), refusal: /4 experts of which 8 are used/ },
    { name: "alignment-33.gguf", what: "an alignment that is not a power of two", bytes: withMetadata({ "general.alignment": u32(33) }), refusal: /general\.alignment is 33, not a power of two/ },
    { name: "token-types-short.gguf", what: "token types for part of the vocabulary", bytes: withMetadata({ "tokenizer.ggml.token_type": { type: "i32s", value: [1, 1, 1] } }), refusal: /tokenizer\.ggml\.token_type = an array of 3 i32 values for a vocabulary of 374 tokens/ },
    {
      name: "tensor-dim-2e40.gguf",
      what: "a tensor with a dimension of 2^40",
      bytes: withParts((p) => ({ ...p, tensors: p.tensors.map((t, i) => (i === 1 ? { ...t, dims: [2 ** 40] } : t)) })),
      refusal: /the tensor "output_norm\.weight" \(1099511627776\) needs more bytes than the whole file has/,
    },
    {
      name: "tensor-dims-9.gguf",
      what: "a tensor of 9 dimensions",
      bytes: withParts((p) => ({ ...p, tensors: p.tensors.map((t, i) => (i === 1 ? { ...t, dims: [64, 1, 1, 1, 1, 1, 1, 1, 1] } : t)) })),
      refusal: /the tensor "output_norm\.weight" has 9 dimensions/,
    },
    {
      name: "tensor-name-long.gguf",
      what: "a tensor name of 200 characters",
      bytes: withParts((p) => ({ ...p, tensors: p.tensors.map((t, i) => (i === 1 ? { ...t, name: "x".repeat(200) } : t)) })),
      refusal: /the name of tensor 2 is 200 bytes long/,
    },
    {
      name: "tensor-twice.gguf",
      what: "two tensors of one name",
      bytes: withParts((p) => ({ ...p, tensors: p.tensors.map((t, i) => (i === 2 ? { ...t, name: p.tensors[1]!.name } : t)) })),
      refusal: /the tensor "output_norm\.weight" appears twice/,
    },
    {
      name: "no-tensors.gguf",
      what: "no tensors at all",
      bytes: withParts((p) => ({ ...p, tensors: [] })),
      refusal: /has no tensors: it holds no model weights/,
    },
    {
      name: "tensor-type-200.gguf",
      what: "a tensor of an unknown ggml type",
      bytes: (() => {
        const bytes = withMetadata({});
        // The first tensor description's type field: after its name, dimension count and two dimensions.
        const at = bytes.indexOf(Buffer.from("token_embd.weight")) + "token_embd.weight".length + 4 + 16;
        bytes.writeUInt32LE(200, at);
        return bytes;
      })(),
      refusal: /the tensor "token_embd\.weight" has the unknown or removed ggml type 200/,
    },
    {
      name: "tensor-offset-beyond.gguf",
      what: "a tensor whose data lies beyond the file",
      bytes: (() => {
        const bytes = withMetadata({});
        const at = bytes.indexOf(Buffer.from("output_norm.weight")) + "output_norm.weight".length + 4 + 8 + 4;
        bytes.writeBigUInt64LE(2n ** 40n, at);
        return bytes;
      })(),
      refusal: /is truncated: its tensors need \d+ bytes but the file has/,
    },
  ];
}
