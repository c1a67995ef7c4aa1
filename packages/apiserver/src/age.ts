/**
 * Ages ("5m", "3d4h") for Table `date` cells: kube's CRD table convertor renders date printer
 * columns server-side this way, and kubectl prints cells verbatim (it does not convert them).
 */

/** kube's HumanDuration rounding, so AGE reads the same as for any other resource. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (h < 24 * 365 * 8) {
    const d = Math.floor(h / 24) - y * 365;
    return d === 0 ? `${y}y` : `${y}y${d}d`;
  }
  return `${y}y`;
}
