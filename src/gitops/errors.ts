/** Why a Git operation failed; each code is a different thing for the user to fix. */
export type GitOpsErrorCode =
  | 'Credentials' // the Secret named by secretRef is missing or holds none of the known keys
  | 'AuthFailed' // the Git host refused the credentials (or there were none)
  | 'Unreachable' // no connection (DNS, refused, TLS, unknown SSH host key)
  | 'RefNotFound' // the branch, tag or commit does not exist
  | 'Timeout' // spec.timeout passed
  | 'Aborted' // the controller is stopping
  | 'PushRejected' // the remote moved (non-fast-forward): make the edit again on its new tip
  | 'PushDeclined' // the Git server refused the push (a pre-receive hook, a protected branch)
  | 'Manifests' // a path is missing or the manifests cannot be read
  | 'Unknown';

/** The single error type of the gitops module; its message never holds a credential. */
export class GitOpsError extends Error {
  override readonly name = 'GitOpsError';
  constructor(
    readonly code: GitOpsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(scrubCredentials(message), options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

export const isGitOpsError = (err: unknown): err is GitOpsError => err instanceof GitOpsError;

export const errorMessage = (err: unknown): string => scrubCredentials(err instanceof Error ? err.message : String(err));

/**
 * Removes credentials from text that may quote a URL or a header: `https://user:token@host` keeps
 * its user only, `Authorization: …` and `x-access-token:…` lose their values. A second line of
 * defence: credentials are never put into URLs, arguments or messages in the first place.
 */
export function scrubCredentials(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)([^/\s@:]*):[^/\s@]*@/gi, (_m, scheme: string, user: string) => `${scheme}${user ? `${user}:` : ''}***@`)
    .replace(/(authorization:\s*)(basic|bearer|token)?\s*[^\s'"]+/gi, (_m, head: string, kind: string | undefined) => `${head}${kind ? `${kind} ` : ''}***`)
    .replace(/x-access-token:[^\s@'"]+/gi, 'x-access-token:***');
}
