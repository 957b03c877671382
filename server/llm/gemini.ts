// Gemini behind the Provider interface, with Google's SDK (@google/generative-ai 0.24).
// The SDK only reports a block when `.text()` is called on a response, and a streamed block may
// come in any chunk, so each chunk is read field by field here: prompt blocked, bad finish
// reasons, empty answers. Enum values this file does not know are let through.
import {
  BlockReason,
  FinishReason,
  GoogleGenerativeAI,
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIFetchError,
  HarmBlockThreshold,
  HarmCategory,
  type ErrorDetails,
  type GenerateContentRequest,
  type GenerateContentResponse,
  type GenerativeModel,
} from '@google/generative-ai';
import type { ModelRequest } from './prompt.js';
import { UpstreamError, type Outcome, type Provider, type ProviderConfig, type Usage } from './provider.js';
import type { FlagReason } from './types.js';

/** Strictest blocking on every harm category the SDK knows, set explicitly on every call. */
export const SAFETY_SETTINGS = [
  HarmCategory.HARM_CATEGORY_HARASSMENT,
  HarmCategory.HARM_CATEGORY_HATE_SPEECH,
  HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT,
  HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT,
  HarmCategory.HARM_CATEGORY_CIVIC_INTEGRITY,
].map((category) => ({ category, threshold: HarmBlockThreshold.BLOCK_LOW_AND_ABOVE }));

/** Finish reasons after which the text must not be shown to a child. */
const WITHHELD: ReadonlyMap<string, FlagReason> = new Map<string, FlagReason>([
  [FinishReason.SAFETY, 'safety'],
  [FinishReason.BLOCKLIST, 'safety'],
  [FinishReason.PROHIBITED_CONTENT, 'safety'],
  [FinishReason.SPII, 'safety'],
  [FinishReason.RECITATION, 'recitation'],
  [FinishReason.LANGUAGE, 'error'],
  [FinishReason.MALFORMED_FUNCTION_CALL, 'error'],
  [FinishReason.OTHER, 'error'],
]);

/** HTTP statuses worth another try: timeouts, rate limits, server trouble. */
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

const TEMPERATURE = 0.4;

/** What one response (or streamed chunk) says: its text, or why it must be withheld. */
function readResponse(r: GenerateContentResponse): { text: string; flag?: FlagReason } {
  const blockReason: string | undefined = r.promptFeedback?.blockReason;
  if (blockReason && blockReason !== (BlockReason.BLOCKED_REASON_UNSPECIFIED as string))
    return { text: '', flag: 'prompt_blocked' };
  const candidate = r.candidates?.[0];
  const text = (candidate?.content?.parts ?? []).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  const flag = candidate?.finishReason ? WITHHELD.get(candidate.finishReason) : undefined;
  return flag ? { text, flag } : { text };
}

function addUsage(total: Usage, r: GenerateContentResponse): void {
  // Streamed chunks carry running totals; the last one counts.
  const u = r.usageMetadata;
  if (!u) return;
  total.inputTokens = u.promptTokenCount ?? total.inputTokens;
  total.outputTokens = u.candidatesTokenCount ?? total.outputTokens;
}

/** `google.rpc.RetryInfo` in an error body: `{ "retryDelay": "12s" }` (or "1.5s"). */
function retryHintMs(details: ErrorDetails[] | undefined): number | undefined {
  for (const d of details ?? []) {
    if (!(d['@type'] ?? '').endsWith('google.rpc.RetryInfo')) continue;
    const m = /^(\d+(?:\.\d+)?)s$/.exec(typeof d.retryDelay === 'string' ? d.retryDelay : '');
    if (m) return Math.round(Number(m[1]) * 1000);
  }
  return undefined;
}

/** Every SDK failure as an UpstreamError (aborts are re-thrown as they are: the caller asked). */
function toUpstreamError(err: unknown): unknown {
  if (err instanceof GoogleGenerativeAIAbortError || (err instanceof Error && err.name === 'AbortError')) return err;
  if (err instanceof GoogleGenerativeAIFetchError) {
    const status = err.status ?? 0;
    return new UpstreamError(err.message, RETRYABLE_STATUS.has(status), status, retryHintMs(err.errorDetails));
  }
  // Network failures, a stream cut short, unparsable server-sent events: try again.
  return new UpstreamError(err instanceof Error ? err.message : String(err), true);
}

export class GeminiProvider implements Provider {
  private readonly client: GoogleGenerativeAI;

  constructor(private readonly config: ProviderConfig) {
    this.client = new GoogleGenerativeAI(config.apiKey);
  }

  private model(req: ModelRequest): GenerativeModel {
    return this.client.getGenerativeModel(
      {
        model: this.config.model,
        systemInstruction: req.system,
        safetySettings: SAFETY_SETTINGS,
        generationConfig: { maxOutputTokens: req.maxOutputTokens, temperature: TEMPERATURE, candidateCount: 1 },
      },
      this.config.baseUrl ? { baseUrl: this.config.baseUrl } : undefined,
    );
  }

  private body(req: ModelRequest): GenerateContentRequest {
    return { contents: [{ role: 'user', parts: [{ text: req.prompt }] }] };
  }

  async stream(req: ModelRequest, signal: AbortSignal, onText: (text: string) => void): Promise<Outcome> {
    // Our own controller: a withheld chunk ends the call early and frees the connection.
    const stop = new AbortController();
    const forward = () => stop.abort();
    if (signal.aborted) stop.abort();
    signal.addEventListener('abort', forward, { once: true });
    const usage: Usage = { inputTokens: 0, outputTokens: 0 };
    let text = '';
    try {
      const result = await this.model(req).generateContentStream(this.body(req), { signal: stop.signal });
      // The SDK also aggregates the stream into `response`; we never read it, but its promise
      // rejects when the stream fails and must not become an unhandled rejection.
      result.response.catch(() => undefined);
      for await (const chunk of result.stream) {
        addUsage(usage, chunk);
        const read = readResponse(chunk);
        if (read.flag) {
          stop.abort();
          return { text: text + read.text, flag: read.flag, usage };
        }
        if (read.text) {
          text += read.text;
          onText(read.text);
        }
      }
      return text.trim() ? { text, usage } : { text, flag: 'empty', usage };
    } catch (err) {
      throw toUpstreamError(err);
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }

  async generate(req: ModelRequest, signal: AbortSignal): Promise<Outcome> {
    try {
      const { response } = await this.model(req).generateContent(this.body(req), { signal });
      const usage: Usage = { inputTokens: 0, outputTokens: 0 };
      addUsage(usage, response);
      const read = readResponse(response);
      if (read.flag) return { ...read, usage };
      return read.text.trim() ? { text: read.text, usage } : { text: '', flag: 'empty', usage };
    } catch (err) {
      throw toUpstreamError(err);
    }
  }
}
