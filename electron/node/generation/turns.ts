// Chat turns as tokens, for the modes that talk to the model one request at a time while keeping one
// token array: the first prompt, then "end the model's answer, say this as the user, open the model's
// answer" appended after whatever the model wrote. Either from the GGUF's chat template (its turn
// boundaries are learned by rendering two small conversations) or from a raw prompt format the catalog
// gives (LongWriter-llama3.1's `[INST]{prompt}[/INST]`, LongWriter-Zero's `<|user|>: … <|assistant|>:`).
import { ApiError } from "../../common/api/define";
import type { PromptFormat } from "../../common/engine/catalog";
import type { Backend, ChatMessage, TokenId } from "../engine/backend";

/** The text between an assistant's answer and the next user message, and after a user message. */
export interface TurnFormat {
  /** Ends the assistant's turn and opens a user turn. */
  toUser: string;
  /** Ends the user's turn and opens the assistant's. */
  toAssistant: string;
}

/** Han characters, as LongWriter-Zero's card tells its Chinese prompts from its English ones. */
const HAN = /[\u4e00-\u9fff]/;

export class PromptBuilder {
  private format: TurnFormat | null = null;
  /** The raw format's preamble and turn the first prompt took (its Chinese variant or not). */
  private raw: { preamble?: string; turn: string } | null = null;

  constructor(
    private readonly backend: Backend,
    private readonly promptFormat?: PromptFormat,
  ) {}

  /** Strings that end the model's answer besides its end token (the catalog's, for raw formats). */
  get stops(): string[] {
    return this.promptFormat?.stop ?? [];
  }

  /**
   * The first prompt: the messages in the model's format, ending where the model's answer begins. A raw
   * format's preamble (else the system message, then a blank line) comes right before the first turn;
   * a prompt that holds Han characters takes the format's Chinese variant (`han`) where it has one.
   */
  async first(messages: readonly ChatMessage[]): Promise<TokenId[]> {
    const f = this.promptFormat;
    if (f?.kind !== "raw") return (await this.backend.applyChatTemplate(messages)).tokens;
    const system = messages.filter((m) => m.role === "system").map((m) => m.content);
    const user = messages
      .filter((m) => m.role === "user")
      .map((m) => m.content)
      .join("\n\n");
    // As LongWriter-Zero's card chooses its template: re.search(r'[\u4e00-\u9fff]', prompt).
    this.raw = f.han && HAN.test(user) ? f.han : f;
    const preamble = this.raw.preamble ?? (system.length > 0 ? `${system.join("\n\n")}\n\n` : "");
    const [before, after] = this.raw.turn.split("{prompt}") as [string, string];
    return [
      ...(preamble ? await this.backend.tokenize(preamble, { specialTokens: true }) : []),
      ...(await this.backend.tokenize(before, { specialTokens: true })),
      ...(await this.backend.tokenize(user, { specialTokens: false })),
      ...(await this.backend.tokenize(after, { specialTokens: true })),
    ];
  }

  /** The most tokens one answer of the model takes (its raw format's limit); undefined: no limit. */
  get maxNewTokens(): number | undefined {
    return this.promptFormat?.kind === "raw" ? this.promptFormat.maxNewTokens : undefined;
  }

  /** Tokens that end the model's turn, say `message` as the user, and open the model's answer. */
  async userTurn(message: string): Promise<TokenId[]> {
    const f = await this.turnFormat();
    return [
      ...(await this.backend.tokenize(f.toUser, { specialTokens: true })),
      ...(await this.backend.tokenize(message, { specialTokens: false })),
      ...(await this.backend.tokenize(f.toAssistant, { specialTokens: true })),
    ];
  }

  /** The turn boundaries: from the raw format, else learned from the chat template. */
  async turnFormat(): Promise<TurnFormat> {
    if (this.format) return this.format;
    const f = this.promptFormat;
    if (f?.kind === "raw") {
      const [before, after] = (this.raw ?? f).turn.split("{prompt}") as [string, string];
      this.format = { toUser: `\n${before.trimStart()}`, toAssistant: after };
      return this.format;
    }
    const [a, b, c] = ["\u0011", "\u0012", "\u0013"];
    const one = (await this.backend.applyChatTemplate([{ role: "user", content: a }])).text;
    const two = (await this.backend.applyChatTemplate([
      { role: "user", content: a },
      { role: "assistant", content: b },
      { role: "user", content: c },
    ])).text;
    const toAssistant = one.slice(one.indexOf(a) + 1);
    const toUser = two.slice(two.indexOf(b) + 1, two.indexOf(c));
    if (one.indexOf(a) < 0 || two.indexOf(b) < 0 || toUser === "") throw new ApiError("failed", "This model's chat template could not be read: this mode needs one (or a raw prompt format in the catalog).");
    this.format = { toUser, toAssistant };
    return this.format;
  }
}
