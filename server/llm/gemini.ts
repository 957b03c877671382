// Gemini behind the Provider interface, with Google's Gen AI SDK (@google/genai), through either
// route: the Gemini API or Vertex AI. Every client option is passed explicitly (service, key or
// project and region, API version, address, auth client), so the SDK's own environment variables
// and application default credentials never take part. The SDK's retries and automatic stream
// continuation stay off: the relay retries, and a repeated stream would show text twice.
// Each chunk is read field by field: prompt blocked, bad finish reasons, empty answers. Enum
// values this file does not know are let through.
import {
  ApiError,
  BlockedReason,
  FinishReason,
  GoogleGenAI,
  HarmBlockThreshold,
  HarmCategory,
  type GenerateContentParameters,
  type GenerateContentResponse,
  type GoogleGenAIOptions,
} from '@google/genai';
import type { ModelRequest } from './prompt.js';
import { UpstreamError, type Outcome, type Provider, type ProviderConfig, type Usage } from './provider.js';
import { networkMessage, serviceAccountClient } from './service-account.js';
import type { FlagReason } from './types.js';

/** Strictest blocking on every harm category both services know, set explicitly on every call. */
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

/**
 * API versions, named so neither the SDK's default nor GOOGLE_GENAI_API_VERSION decides: v1beta
 * is the Gemini API's full surface (what ReaderAI has always called), v1 is Vertex AI's stable one.
 */
const API_VERSION = { gemini: 'v1beta', vertex: 'v1' } as const;

/** The SDK's options for a route, all of them explicit. */
export function clientOptions(config: ProviderConfig): GoogleGenAIOptions {
  const httpOptions = { baseUrl: config.baseUrl };
  switch (config.kind) {
    case 'gemini':
      return { vertexai: false, apiKey: config.apiKey, apiVersion: API_VERSION.gemini, httpOptions };
    case 'vertex-express':
      return { vertexai: true, apiKey: config.apiKey, apiVersion: API_VERSION.vertex, httpOptions };
    case 'vertex':
      return {
        vertexai: true,
        project: config.project,
        location: config.location,
        // Our client, holding this key only: GoogleAuth never looks for default credentials.
        googleAuthOptions: { authClient: serviceAccountClient(config.key) },
        apiVersion: API_VERSION.vertex,
        httpOptions,
      };
  }
}

/** What one response (or streamed chunk) says: its text, or why it must be withheld. */
function readResponse(r: GenerateContentResponse): { text: string; flag?: FlagReason } {
  const blockReason: string | undefined = r.promptFeedback?.blockReason;
  if (blockReason && blockReason !== (BlockedReason.BLOCKED_REASON_UNSPECIFIED as string))
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

/**
 * The SDK's ApiError carries only a status and a message; the message holds Google's error body
 * as JSON (after "got status: …" for an error inside a stream). `google.rpc.RetryInfo` in its
 * details is `{ "retryDelay": "12s" }` (or "1.5s").
 */
export function retryHintMs(message: string): number | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  let body: { error?: { details?: { '@type'?: unknown; retryDelay?: unknown }[] } };
  try {
    body = JSON.parse(message.slice(start)) as typeof body;
  } catch {
    return undefined;
  }
  for (const d of body.error?.details ?? []) {
    if (typeof d['@type'] !== 'string' || !d['@type'].endsWith('google.rpc.RetryInfo')) continue;
    const m = /^(\d+(?:\.\d+)?)s$/.exec(typeof d.retryDelay === 'string' ? d.retryDelay : '');
    if (m) return Math.round(Number(m[1]) * 1000);
  }
  return undefined;
}

/** Every SDK failure as an UpstreamError (aborts are re-thrown as they are: the caller asked). */
function toUpstreamError(err: unknown): unknown {
  if (err instanceof UpstreamError) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  if (err instanceof ApiError) {
    return new UpstreamError(err.message, RETRYABLE_STATUS.has(err.status), err.status, retryHintMs(err.message));
  }
  // Network failures, a stream cut short, unparsable server-sent events: try again.
  return new UpstreamError(networkMessage(err), true);
}

export class GeminiProvider implements Provider {
  private readonly client: GoogleGenAI;

  constructor(private readonly config: ProviderConfig) {
    this.client = new GoogleGenAI(clientOptions(config));
  }

  private params(req: ModelRequest, abortSignal: AbortSignal): GenerateContentParameters {
    return {
      model: this.config.model,
      contents: [{ role: 'user', parts: [{ text: req.prompt }] }],
      config: {
        systemInstruction: req.system,
        safetySettings: SAFETY_SETTINGS,
        maxOutputTokens: req.maxOutputTokens,
        temperature: TEMPERATURE,
        candidateCount: 1,
        abortSignal,
        automaticFunctionCalling: { disable: true },
        automaticContinuation: false,
      },
    };
  }

  async stream(req: ModelRequest, signal: AbortSignal, onText: (text: string) => void): Promise<Outcome> {
    // Our own controller: a withheld chunk ends the call early and frees the connection.
    const stop = new AbortController();
    const forward = () => stop.abort();
    if (signal.aborted) stop.abort();
    signal.addEventListener('abort', forward, { once: true });
    const usage: Usage = { inputTokens: 0, outputTokens: 0 };
    let text = '';
    let modelVersion: string | undefined;
    const ended = (o: Omit<Outcome, 'usage' | 'modelVersion'>): Outcome => ({
      ...o,
      usage,
      ...(modelVersion ? { modelVersion } : {}),
    });
    try {
      const chunks = await this.client.models.generateContentStream(this.params(req, stop.signal));
      for await (const chunk of chunks) {
        addUsage(usage, chunk);
        modelVersion ??= chunk.modelVersion;
        const read = readResponse(chunk);
        if (read.flag) {
          stop.abort();
          return ended({ text: text + read.text, flag: read.flag });
        }
        if (read.text) {
          text += read.text;
          onText(read.text);
        }
      }
      return text.trim() ? ended({ text }) : ended({ text, flag: 'empty' });
    } catch (err) {
      throw toUpstreamError(err);
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }

  async generate(req: ModelRequest, signal: AbortSignal): Promise<Outcome> {
    try {
      const response = await this.client.models.generateContent(this.params(req, signal));
      const usage: Usage = { inputTokens: 0, outputTokens: 0 };
      addUsage(usage, response);
      const version = response.modelVersion ? { modelVersion: response.modelVersion } : {};
      const read = readResponse(response);
      if (read.flag) return { ...read, usage, ...version };
      return read.text.trim() ? { text: read.text, usage, ...version } : { text: '', flag: 'empty', usage, ...version };
    } catch (err) {
      throw toUpstreamError(err);
    }
  }
}
