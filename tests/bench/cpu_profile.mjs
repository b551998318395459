// Self time by function from a DevTools CPU profile's samples (`Profiler.stop`), printed largest
// first: shared by the benchmarks that profile a phase (profile.mjs, backup_profile.mjs).

/** Prints the `most` functions with the largest self time, in milliseconds. */
export function printProfile(profile, most = 40) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, k) => {
    const dt = (profile.timeDeltas[k + 1] ?? 0) / 1000;
    const f = byNode.get(id).callFrame;
    const name = f.functionName || `(${f.url.split('/').pop()}:${f.lineNumber})`;
    self.set(name, (self.get(name) ?? 0) + dt);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, most);
  for (const [name, ms] of top) console.log(ms.toFixed(1).padStart(8), name.slice(0, 140));
}
