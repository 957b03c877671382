// The AI route as the teacher's API reports it: GET /api/teacher/ai (which route answers, or why
// none does) and POST /api/teacher/ai/check (one trial request through it). Plain JSON shapes.

export interface AiStatus {
  enabled: boolean;
  provider: 'gemini' | 'vertex';
  /** "Gemini API" or "Vertex AI, project P, region R" while AI is on. */
  route: string | null;
  region: string | null;
  model: string;
  /** Why AI is off (ai_off, no_api_key, vertex_not_configured, vertex_credentials_invalid). */
  reason: string | null;
  /** The same for people. */
  detail: string | null;
  /** The relay stopped calling Google for a while after repeated failures. */
  unavailable: boolean;
}

export type RouteProblem = 'off' | 'bad_key' | 'no_access' | 'no_model' | 'quota' | 'network' | 'server' | 'refused';

/** What one trial request through the route found (`npm run check:ai`, the settings button). */
export interface RouteCheck {
  ok: boolean;
  route: string | null;
  /** The model asked for, and the version that answered when Google said. */
  model: string;
  modelVersion: string | null;
  region: string | null;
  latencyMs: number | null;
  /** What kind of failure, for programs; `message` is for people. */
  problem: RouteProblem | null;
  message: string;
}
