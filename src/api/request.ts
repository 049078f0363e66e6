import { z } from 'zod';

/**
 * How a person steers a rollout (the CLI, the web view): a request written to one annotation of the
 * Canary, never to its spec, so a GitOps sync (which applies only the fields Git declares) does not
 * undo it and Git is not changed by it. The controller acts on a request once (by its id), and
 * acknowledges it in `status.lastRequest` and an Event. The format lives with the API because the
 * engine reads it; src/operate/requests.ts is how writers build it.
 */
export const REQUEST_ANNOTATION = 'pennant.dev/request';

export const VERBS = ['promote', 'promote-full', 'abort', 'pause', 'resume', 'retry'] as const;
export type Verb = (typeof VERBS)[number];

export const operatorRequest = z.object({
  verb: z.enum(VERBS),
  /** Unique per request: the same request seen twice is acted on once. */
  id: z.string().min(1),
  /** When it was asked (RFC 3339). */
  at: z.string(),
  /** Who asked, for the Event (e.g. the local user name). Never a credential. */
  by: z.string().optional(),
});
export type OperatorRequest = z.infer<typeof operatorRequest>;

export type ReadRequest = { kind: 'none' } | { kind: 'request'; request: OperatorRequest } | { kind: 'invalid'; message: string };

/** The request an object's annotations carry, if any. */
export function readRequest(annotations: Record<string, string> | undefined): ReadRequest {
  const raw = annotations?.[REQUEST_ANNOTATION];
  if (raw === undefined) return { kind: 'none' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { kind: 'invalid', message: `${REQUEST_ANNOTATION} is not JSON` };
  }
  const parsed = operatorRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { kind: 'invalid', message: `${REQUEST_ANNOTATION}: ${where}${issue?.message ?? 'invalid'}` };
  }
  return { kind: 'request', request: parsed.data };
}

/** How the controller answered the last request, in `status.lastRequest`. */
export const requestOutcome = z.enum(['done', 'refused']);
export type RequestOutcome = z.infer<typeof requestOutcome>;
