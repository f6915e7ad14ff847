// A misspelt name is the most common configuration mistake; naming the likely intended one saves a
// trip to --help or to the schema.

/** The candidate closest to `word`, when it is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= bestDistance) {
      best = candidate;
      bestDistance = distance - 1;
    }
  }
  return best;
}

/**
 * Up to `limit` candidates, closest to `word` first, that are close enough to be the intended one;
 * when none is, the first `limit` candidates in their own order, so the user sees what exists.
 */
export function closestNames(word: string, candidates: readonly string[], limit = 3): string[] {
  const near = nearNames(word, candidates, limit);
  return near.length > 0 ? near : candidates.slice(0, limit);
}

/** Up to `limit` candidates, closest to `word` first, that are close enough to be the intended one. */
export function nearNames(word: string, candidates: readonly string[], limit = 3): string[] {
  const threshold = Math.max(2, Math.floor(word.length / 2));
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(word.toLowerCase(), candidate.toLowerCase()) }))
    .filter((c) => c.distance <= threshold)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .map((c) => c.candidate)
    .slice(0, limit);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
