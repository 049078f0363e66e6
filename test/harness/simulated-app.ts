/** One app the simulator plays the mesh/ingress for: what a Canary names. */
export interface SimulatedApp {
  namespace: string;
  /** spec.service.name (else the target): the apex Service, `<service>-primary`, `<service>-canary`, the HTTPRoute. */
  service: string;
  /** spec.targetRef.name: the canary Deployment; the primary is `<target>-primary`. */
  target: string;
  /** The Canary's provider: decides which routing objects are read (see routing-readers.ts). */
  provider: string;
  /** nginx: spec.ingressRef.name; default the target, as Flagger's `ingress` variable. */
  ingress?: string;
}

export const appKey = (app: SimulatedApp): string => `${app.namespace}/${app.service}`;
