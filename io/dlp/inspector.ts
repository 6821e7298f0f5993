/**
 * An `InspectConfig` compiled into a function from text to findings, as DLP's inspection behaves:
 *   1. every inspected infoType reports findings (built-in detectors, custom regex and dictionary infoTypes);
 *   2. findings below `minLikelihood` are dropped (DLP's default threshold is POSSIBLE);
 *   3. `ruleSet` exclusion rules drop findings of their infoTypes: by regex, by dictionary (case-insensitive) or
 *      by overlap with another infoType's finding, matched in full, partially or inversely (`matchingType`);
 *   4. overlapping findings are resolved to one: the more likely, then the longer, then the earlier.
 * Findings come back sorted by start, without overlaps, ready for a transformation to replace them.
 */
import {
  type BuiltInInfoType,
  BUILT_IN_INFO_TYPES,
  type ExclusionRule,
  type InspectConfig,
  type MatchingType,
} from './deidentify_config';
import { type Finding, builtInDetector, likelihoodRank } from './detectors';

export type Inspector = (text: string) => Finding[];

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A word list as one case-insensitive regex of whole words. */
function wordListRegex(words: readonly string[]): RegExp {
  const alternatives = [...words].sort((a, b) => b.length - a.length).map(escapeRegex);
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
}

type CustomDetector = (text: string, out: Finding[]) => void;

function customDetector(ct: NonNullable<InspectConfig['customInfoTypes']>[number]): CustomDetector {
  const infoType = ct.infoType.name;
  const likelihood = likelihoodRank(ct.likelihood ?? 'VERY_LIKELY');
  if (ct.dictionary) {
    const re = wordListRegex(ct.dictionary.wordList.words);
    return (text, out) => {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text))
        out.push({ infoType, start: m.index, end: m.index + m[0].length, likelihood });
    };
  }
  const groups = ct.regex?.groupIndexes;
  const re = new RegExp(ct.regex?.pattern ?? '(?!)', groups && groups.length > 0 ? 'gud' : 'gu');
  return (text, out) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (groups && groups.length > 0 && m.indices) {
        for (const g of groups) {
          const span = m.indices[g];
          if (span) out.push({ infoType, start: span[0], end: span[1], likelihood });
        }
      } else {
        out.push({ infoType, start: m.index, end: m.index + m[0].length, likelihood });
      }
    }
  };
}

type Exclusion = (finding: Finding, text: string, all: readonly Finding[]) => boolean;

function matches(matchingType: MatchingType, full: boolean, partial: boolean): boolean {
  if (matchingType === 'MATCHING_TYPE_FULL_MATCH') return full;
  if (matchingType === 'MATCHING_TYPE_PARTIAL_MATCH') return partial;
  return !partial; // INVERSE: excluded when the rule does not match at all
}

function exclusion(rule: ExclusionRule): Exclusion {
  const type = rule.matchingType;
  if (rule.regex) {
    const full = new RegExp(`^(?:${rule.regex.pattern})$`, 'u');
    const partial = new RegExp(rule.regex.pattern, 'u');
    return (f, text) => {
      const quote = text.slice(f.start, f.end);
      return matches(type, full.test(quote), partial.test(quote));
    };
  }
  if (rule.dictionary) {
    const words = new Set(rule.dictionary.wordList.words.map((w) => w.toLowerCase()));
    const partial = wordListRegex(rule.dictionary.wordList.words);
    return (f, text) => {
      const quote = text.slice(f.start, f.end);
      partial.lastIndex = 0;
      return matches(type, words.has(quote.toLowerCase()), partial.test(quote));
    };
  }
  const others = new Set((rule.excludeInfoTypes?.infoTypes ?? []).map((t) => t.name));
  return (f, _text, all) => {
    let full = false;
    let partial = false;
    for (const o of all) {
      if (o === f || !others.has(o.infoType) || o.end <= f.start || o.start >= f.end) continue;
      partial = true;
      if (o.start <= f.start && o.end >= f.end) full = true;
    }
    return matches(type, full, partial);
  };
}

/** Sorted by start; overlaps resolved to the more likely, then the longer, then the earlier finding. */
export function resolveOverlaps(findings: Finding[]): Finding[] {
  if (findings.length <= 1) return findings;
  findings.sort((a, b) => a.start - b.start || b.likelihood - a.likelihood || b.end - a.end);
  const kept: Finding[] = [];
  for (const f of findings) {
    const last = kept[kept.length - 1];
    if (last === undefined || f.start >= last.end) {
      kept.push(f);
    } else if (f.likelihood > last.likelihood || (f.likelihood === last.likelihood && f.end - f.start > last.end - last.start)) {
      kept[kept.length - 1] = f;
    }
  }
  return kept;
}

/** Compiles an inspect configuration (already checked by checkDeidentifyConfig). */
export function compileInspector(config: InspectConfig = {}): Inspector {
  const builtIns = (config.infoTypes ?? [])
    .map((t) => t.name)
    .filter((n): n is BuiltInInfoType => (BUILT_IN_INFO_TYPES as readonly string[]).includes(n));
  const detect = builtInDetector(builtIns);
  const custom = (config.customInfoTypes ?? []).map(customDetector);
  const min = likelihoodRank(config.minLikelihood ?? 'POSSIBLE');
  const rules = new Map<string, Exclusion[]>();
  for (const rs of config.ruleSet ?? []) {
    const compiled = rs.rules.map((r) => exclusion(r.exclusionRule));
    for (const t of rs.infoTypes) rules.set(t.name, [...(rules.get(t.name) ?? []), ...compiled]);
  }
  return (text) => {
    if (text.length === 0) return [];
    const all = detect(text);
    for (const c of custom) c(text, all);
    if (all.length === 0) return all;
    const candidates = all.filter((f) => f.likelihood >= min);
    const kept =
      rules.size === 0 ? candidates : candidates.filter((f) => !(rules.get(f.infoType) ?? []).some((ex) => ex(f, text, all)));
    return resolveOverlaps(kept);
  };
}

/** Every built-in infoType at DLP's default threshold: for text the pipeline must scrub outside the engine. */
export const defaultInspector: Inspector = compileInspector({
  infoTypes: BUILT_IN_INFO_TYPES.map((name) => ({ name })),
  minLikelihood: 'POSSIBLE',
});

/**
 * Replaces every finding of `inspector` in `text` by its infoType in brackets (`[EMAIL_ADDRESS]`), as DLP's
 * replaceWithInfoTypeConfig does. Used for text that never goes through the engine, such as validation messages.
 */
export function replaceWithInfoTypes(text: string, inspector: Inspector = defaultInspector): string {
  const findings = inspector(text);
  if (findings.length === 0) return text;
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += `${text.slice(at, f.start)}[${f.infoType}]`;
    at = f.end;
  }
  return out + text.slice(at);
}
