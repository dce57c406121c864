// `bench:crawl --profile`: a V8 CPU profile of this process (the Regatta server and its workers run in it) over one
// crawl, through the inspector: only the crawl's window, not the corpus push or the peer. Written as a
// .cpuprofile (open it in Chrome DevTools' Performance panel or speedscope) and summed up as the functions with the
// most self time. The embedded database is another process and is not in it.
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** Starts profiling this process; the function it returns stops and gives the profile. */
export async function startProfile(): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    await session.post('Profiler.disable');
    session.disconnect();
    return profile as unknown as CpuProfile;
  };
}

/** `name file:line`, the file relative to the project (node_modules and node: internals kept short). */
function frameName({ functionName, url, lineNumber }: ProfileNode['callFrame'], root: string): string {
  const file = url
    .replace(/^file:\/\//, '')
    .replace(root, '')
    .replace(/^.*node_modules\//, '');
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

/** The `top` functions by self time (sample time deltas summed per function and location). */
export function topSelfTime(profile: CpuProfile, root: string, top = 15): SelfTime[] {
  const nameOf = new Map(profile.nodes.map((n) => [n.id, frameName(n.callFrame, root)]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const total = new Map<string, number>();
  for (let i = 0; i < samples.length; i++) {
    const name = nameOf.get(samples[i]!) ?? '?';
    total.set(name, (total.get(name) ?? 0) + (deltas[i] ?? 0));
  }
  const all = (profile.endTime - profile.startTime) / 1000;
  return [...total.entries()]
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / 1000 / all }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}
