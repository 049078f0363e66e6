/** The two Prometheus HTTP API calls the harness needs. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** Instant query; a scalar answer is one sample without labels. */
export async function instantQuery(url: string, promql: string): Promise<PromSample[]> {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
  const body = (await res.json()) as QueryAnswer;
  if (body.status !== 'success' || !body.data) throw new Error(`Prometheus query failed (${res.status}): ${body.error ?? 'no data'}\n  ${promql}`);
  return samples(body.data);
}

interface QueryAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

function samples(data: { resultType: string; result: unknown }): PromSample[] {
  if (data.resultType === 'scalar') {
    const [, value] = data.result as [number, string];
    return [{ metric: {}, value: Number(value) }];
  }
  if (data.resultType === 'vector') {
    return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({
      metric: s.metric,
      value: Number(s.value[1]),
    }));
  }
  throw new Error(`Prometheus answered a ${data.resultType}; only instant vectors and scalars are supported here`);
}

/** Every target is discovered, up, and so has been scraped at least once. */
export async function allScraped(url: string, targets: readonly string[]): Promise<boolean> {
  const res = await fetch(`${url}/api/v1/targets?state=active`);
  const body = (await res.json()) as { data?: { activeTargets?: { scrapeUrl: string; health: string; lastError: string }[] } };
  const active = body.data?.activeTargets ?? [];
  return targets.every((t) => active.some((a) => a.scrapeUrl.includes(`//${t}/`) && a.health === 'up'));
}
