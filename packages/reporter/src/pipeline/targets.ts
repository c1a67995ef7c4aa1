/**
 * Targets as the pipeline needs them: a name, one compiled filter (root filter inherited by
 * channels unless they set their own), and the two per-target switches.
 */
import { compileFilter, resolveChannelFilter, type ResultFilter, type TargetFilterConfig } from '@docket/core';
import type { PipelineTargetSpec } from './types.ts';

export interface CompiledTarget {
  name: string;
  type: string;
  /** `undefined` = the result passes; else why it was skipped. */
  filter: ResultFilter;
  skipExistingOnStartup: boolean;
  resolvesFixed: boolean;
  /** Whether the filter reads namespace labels (a `namespaces.selector`). */
  needsNamespaceLabels: boolean;
}

/** A root target config with channels, reduced to its filter keys (for {@link expandTargetSpecs}). */
export interface TargetTreeSpec extends TargetFilterConfig {
  name: string;
  type?: string;
  skipExistingOnStartup?: boolean;
  resolvesFixed?: boolean;
  channels?: ReadonlyArray<TargetFilterConfig & { name?: string; skipExistingOnStartup?: boolean }>;
}

/**
 * Expands a root and its channels into concrete specs: each channel inherits `filter`,
 * `minimumSeverity`, `sources` and `skipExistingOnStartup` unless it sets them, and is named like
 * `expandChannels` in @docket/targets names it (`<root> Channel <n>`).
 */
export function expandTargetSpecs(root: TargetTreeSpec): PipelineTargetSpec[] {
  const rootFilter: TargetFilterConfig = pickFilter(root);
  const base = { ...(root.type ? { type: root.type } : {}), ...(root.resolvesFixed ? { resolvesFixed: true } : {}) };
  const out: PipelineTargetSpec[] = [{
    name: root.name, filter: rootFilter, ...base,
    ...(root.skipExistingOnStartup !== undefined ? { skipExistingOnStartup: root.skipExistingOnStartup } : {}),
  }];
  (root.channels ?? []).forEach((ch, i) => {
    const skip = ch.skipExistingOnStartup ?? root.skipExistingOnStartup;
    out.push({
      name: ch.name ?? `${root.name} Channel ${i + 1}`,
      filter: resolveChannelFilter(rootFilter, pickFilter(ch)),
      ...base,
      ...(skip !== undefined ? { skipExistingOnStartup: skip } : {}),
    });
  });
  return out;
}

function pickFilter(c: TargetFilterConfig): TargetFilterConfig {
  const out: TargetFilterConfig = {};
  if (c.filter !== undefined) out.filter = c.filter;
  if (c.minimumSeverity !== undefined) out.minimumSeverity = c.minimumSeverity;
  if (c.sources !== undefined) out.sources = c.sources;
  return out;
}

/** Compiles specs once at start; throws on duplicate names (they are the outbox's routing key). */
export function compileTargets(specs: readonly PipelineTargetSpec[]): CompiledTarget[] {
  const names = new Set<string>();
  return specs.map((s) => {
    if (names.has(s.name)) throw new Error(`duplicate target name "${s.name}": every target and channel needs its own name`);
    names.add(s.name);
    const type = s.type ?? 'target';
    return {
      name: s.name,
      type,
      filter: compileFilter(s.filter ?? {}, `${type} "${s.name}"`),
      skipExistingOnStartup: s.skipExistingOnStartup ?? true,
      resolvesFixed: s.resolvesFixed ?? false,
      needsNamespaceLabels: Object.keys(s.filter?.filter?.namespaces?.selector ?? {}).length > 0,
    };
  });
}
