// The signup benchmark's clients, in a process of their own (forked by bench/signup.ts), as browsers are not in
// Herald's process: their fetch calls would otherwise share its one thread and add to its latency. Told a load by
// IPC, it answers with each request's latency, status and the addresses accepted. Two kinds of load: `rate` 0 is
// the clients posting as fast as they can (what the stack can take); a `rate` is that many requests a second
// offered, spread evenly over the clients, each latency taken from the request's planned start (so a stalled
// server shows in the latencies instead of lowering the load, as wrk2 does).
import { pathToFileURL } from 'node:url';
import { cpuMsOf } from './common.ts';

export interface SignupShape {
  languages: string[];
  countryCodes: string[];
  regions: Record<string, string[]>;
  topics: string[];
}

export interface SignupLoad {
  url: string;
  clients: number;
  seconds: number;
  /** Requests a second offered; 0: as fast as the clients can. */
  rate: number;
  run: string;
  /** The number of the first signup: every signup of the benchmark has an address of its own. */
  from: number;
  shape: SignupShape;
}

export interface SignupLoadResult {
  latencies: number[];
  statuses: [string, number][];
  accepted: string[];
  /** The signups numbered so far: the next load starts there. */
  next: number;
  elapsedMs: number;
  /** This process's CPU time for the load, in ms. */
  cpuMs: number;
}

/** The n-th signup: every language, country and region (partner region or "other") in turn, a unique address. */
export function signupBody(shape: SignupShape, run: string, n: number) {
  const { languages, countryCodes } = shape;
  const language = languages[n % languages.length]!;
  const country = countryCodes[n % countryCodes.length]!;
  const regions = shape.regions[country]!;
  return {
    email: `bench.${run}.${n}@example.${country.toLowerCase()}`,
    language,
    country,
    region: regions[Math.floor(n / countryCodes.length) % regions.length]!,
    topics: shape.topics.filter((_, i) => (n >> i) & 1),
    consent: true as const,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function drive(load: SignupLoad): Promise<SignupLoadResult> {
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  const accepted: string[] = [];
  const count = (status: string) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  let n = load.from;
  let planned = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + load.seconds * 1000;
  const interval = load.rate > 0 ? 1000 / load.rate : 0;
  await Promise.all(
    Array.from({ length: load.clients }, async () => {
      for (;;) {
        // Paced: the next planned start of the whole load; a client that is late starts at once.
        const plannedAt = interval > 0 ? started + planned++ * interval : performance.now();
        if (plannedAt >= end) return;
        if (plannedAt > performance.now()) await sleep(plannedAt - performance.now());
        const body = signupBody(load.shape, load.run, n++);
        try {
          const response = await fetch(load.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          await response.arrayBuffer();
          count(String(response.status));
          if (response.status === 202) accepted.push(body.email);
        } catch (error) {
          count(`error: ${(error as Error).cause ?? (error as Error).message}`);
        }
        latencies.push(performance.now() - plannedAt);
      }
    }),
  );
  return {
    latencies,
    statuses: [...statuses],
    accepted,
    next: n,
    elapsedMs: performance.now() - started,
    cpuMs: cpuMsOf(process.cpuUsage(cpuBefore)),
  };
}

// Forked (bench/signup.ts imports signupBody too): each message is a load to drive, answered with its result.
if (process.send && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.on('message', (load: SignupLoad) => {
    void drive(load).then((result) => process.send!(result));
  });
}
