/**
 * A self-contained HTML drift report (inline CSS and SVG, no scripts, nothing fetched):
 * a summary, then per feature a histogram of baseline vs current proportions on the
 * baseline's bins or categories, with the verdict, then the line accounting and the first
 * rejected examples. Every text from the data is HTML-escaped.
 */
import type { CaptureStats } from '../capture';
import type { BaselineDocument, DriftReport, FeatureBaseline, FeatureDrift, FeatureWindow } from '../drift';

/** What the HTML report shows. */
export interface DriftHtmlInput {
  readonly baseline: BaselineDocument;
  readonly baselinePath: string;
  readonly files: readonly string[];
  readonly windows: ReadonlyMap<string, FeatureWindow>;
  readonly outputWindow?: FeatureWindow;
  readonly stats: CaptureStats;
  readonly report: DriftReport;
}

/** A number for the table: 4 significant digits, `-` when absent. */
export function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '-';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n !== 0 && (Math.abs(n) < 1e-3 || Math.abs(n) >= 1e6)) return n.toExponential(2);
  return String(Number(n.toPrecision(4)));
}

/** The verdict of one feature, as in the table. */
export function verdictOf(f: FeatureDrift): string {
  return f.insufficientData ? 'no data' : f.drifted ? 'DRIFT' : '✓';
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const BASE_COLOR = '#4e79a7';
const CURRENT_COLOR = '#f28e2b';

/** Renders the report. */
export function renderDriftHtml(input: DriftHtmlInput): string {
  const { report, stats } = input;
  const e = escapeHtml;
  const summary = report.status === 'insufficient-data'
    ? `<p class="verdict warn">Insufficient data: ${report.records} rows analyzed, at least ${report.minRecords} needed for a verdict.</p>`
    : `<p class="verdict ${report.datasetDrift ? 'bad' : 'good'}">${report.datasetDrift ? 'Dataset drift' : 'No dataset drift'}: ${report.features.filter((f) => f.drifted).length} of ${report.features.length} features drifted (share ${e(fmt(report.driftedShare))}).</p>`;
  const sections = input.baseline.features.map((f) => featureSection(f, input.windows.get(f.name), report.status === 'ok' ? report.features.find((d) => d.feature === f.name) : undefined, f.name));
  if (input.baseline.output && input.outputWindow) {
    sections.push(featureSection(input.baseline.output, input.outputWindow, report.status === 'ok' ? report.output : undefined, `${input.baseline.output.name} (model output)`));
  }
  const reasons = Object.entries(stats.rejectedByReason).filter(([, n]) => n > 0);
  const examples = stats.examples.map((x) => `<tr><td>${e(x.source ?? '')}:${x.line}</td><td>${e(x.reason)}</td><td>${e(x.detail)}</td><td><code>${e(x.excerpt)}</code></td></tr>`).join('\n');
  const corrupt = stats.corruptObjects.map((c) => `<li><code>${e(c.source)}</code>: ${e(c.code)} — ${e(c.message)}</li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Drift report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
.verdict { font-weight: bold; padding: .5em; border-radius: 4px; } .good { background: #e3f4e3; } .bad { background: #fbe3e3; } .warn { background: #fdf3d8; }
.feature { border-top: 1px solid #ddd; padding-top: .5em; } .drift { color: #b00020; font-weight: bold; } .ok { color: #2e7d32; }
code { font-size: .85em; word-break: break-all; }
</style>
</head>
<body>
<h1>Drift report</h1>
<p>Baseline <code>${e(input.baselinePath)}</code> (${input.baseline.rows} rows, ${input.baseline.features.length} features); ${input.files.length} capture file${input.files.length === 1 ? '' : 's'}; ${stats.rowsAnalyzed} rows analyzed.</p>
${summary}
<h2>Features</h2>
${sections.join('\n')}
<h2>Accounting</h2>
<table>
<tr><th>lines read</th><td>${stats.linesRead}</td></tr>
<tr><th>analyzed</th><td>${stats.linesAnalyzed} (${stats.rowsAnalyzed} rows)</td></tr>
<tr><th>rejected</th><td>${stats.linesRejected}${reasons.length ? ` (${reasons.map(([r, n]) => `${n} ${e(r)}`).join(', ')})` : ''}</td></tr>
<tr><th>blank</th><td>${stats.linesBlank}</td></tr>
<tr><th>ignored</th><td>${stats.linesIgnored}</td></tr>
<tr><th>corrupt objects</th><td>${stats.objectsCorrupt}</td></tr>
</table>
${corrupt ? `<ul>${corrupt}</ul>` : ''}
${examples ? `<h3>First rejected lines</h3>\n<table>\n<tr><th>where</th><th>reason</th><th>detail</th><th>excerpt</th></tr>\n${examples}\n</table>` : ''}
</body>
</html>
`;
}

function featureSection(feature: FeatureBaseline, window: FeatureWindow | undefined, drift: FeatureDrift | undefined, title: string): string {
  const e = escapeHtml;
  const { labels, base, current } = histogram(feature, window);
  const verdict = drift
    ? `<p>${e(drift.method)}: score ${e(fmt(drift.score))}${drift.pValue !== undefined ? `, p-value ${e(fmt(drift.pValue))}` : ''}, PSI ${e(fmt(drift.psi))} (threshold ${e(fmt(drift.threshold))}) — <span class="${drift.drifted ? 'drift' : 'ok'}">${e(verdictOf(drift))}</span>; ${drift.count} values, ${drift.missing} missing</p>`
    : '<p>No verdict (insufficient data).</p>';
  return `<div class="feature">
<h3>${e(title)} <small>(${feature.kind})</small></h3>
${verdict}
${barChart(labels, base, current, title, feature.kind === 'numeric' ? 'value range (baseline quantile bins)' : 'category')}
</div>`;
}

/** Baseline and current proportions per bin (numeric) or category (categorical). */
function histogram(feature: FeatureBaseline, window: FeatureWindow | undefined): { labels: string[]; base: number[]; current: number[] } {
  if (feature.kind === 'numeric') {
    const edges = feature.binEdges;
    const n = feature.binCounts.length;
    const labels = feature.binCounts.map((_, i) => (n === 1 ? 'all' : i === 0 ? `< ${short(edges[1]!)}` : i === n - 1 ? `≥ ${short(edges[i]!)}` : `${short(edges[i]!)}–${short(edges[i + 1]!)}`));
    const cur = window?.kind === 'numeric' ? window.binCounts : new Array<number>(n).fill(0);
    return { labels, base: proportions(feature.binCounts), current: proportions(cur) };
  }
  const names = Object.keys(feature.categories);
  const cats = window?.kind === 'categorical' ? window.categories : {};
  for (const k of Object.keys(cats)) if (!names.includes(k) && (cats[k] ?? 0) > 0) names.push(k);
  return { labels: names, base: proportions(names.map((k) => feature.categories[k] ?? 0)), current: proportions(names.map((k) => cats[k] ?? 0)) };
}

function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

function short(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e6 || (a > 0 && a < 1e-3)) return n.toExponential(1);
  return String(Number(n.toPrecision(3)));
}

/** A grouped bar chart: two series (baseline, current) with a legend and bin labels. */
function barChart(labels: readonly string[], base: readonly number[], current: readonly number[], title: string, xTitle: string): string {
  const e = escapeHtml;
  const left = 44;
  const top = 28;
  const plotH = 160;
  const group = Math.max(36, Math.min(70, 640 / Math.max(1, labels.length)));
  const width = left + group * labels.length + 16;
  const labelH = 84;
  const height = top + plotH + labelH;
  const max = Math.max(0.0001, ...base, ...current);
  const niceMax = Math.ceil(max * 10) / 10;
  const y = (p: number) => top + plotH - (p / niceMax) * plotH;
  const bar = (group - 8) / 2;
  const ticks = [0, niceMax / 2, niceMax].map((t) => `<line x1="${left}" x2="${width - 8}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e5e5e5"/><text x="${left - 4}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="10">${Math.round(t * 100)}%</text>`).join('');
  const bars = labels.map((label, i) => {
    const x0 = left + i * group + 4;
    const b = base[i] ?? 0;
    const c = current[i] ?? 0;
    const lx = x0 + bar;
    const ly = top + plotH + 10;
    return `<rect x="${x0.toFixed(1)}" y="${y(b).toFixed(1)}" width="${bar.toFixed(1)}" height="${(top + plotH - y(b)).toFixed(1)}" fill="${BASE_COLOR}"><title>${e(label)} baseline ${(b * 100).toFixed(1)}%</title></rect>`
      + `<rect x="${(x0 + bar).toFixed(1)}" y="${y(c).toFixed(1)}" width="${bar.toFixed(1)}" height="${(top + plotH - y(c)).toFixed(1)}" fill="${CURRENT_COLOR}"><title>${e(label)} current ${(c * 100).toFixed(1)}%</title></rect>`
      + `<text x="${lx.toFixed(1)}" y="${ly}" font-size="10" text-anchor="end" transform="rotate(-40 ${lx.toFixed(1)} ${ly})">${e(label)}</text>`;
  }).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height}" viewBox="0 0 ${width.toFixed(0)} ${height}" role="img" aria-label="${e(`${title}: baseline vs current proportions`)}">
${ticks}
<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#888"/><line x1="${left}" x2="${width - 8}" y1="${top + plotH}" y2="${top + plotH}" stroke="#888"/>
<rect x="${left}" y="6" width="12" height="12" fill="${BASE_COLOR}"/><text x="${left + 16}" y="16" font-size="11">baseline</text>
<rect x="${left + 90}" y="6" width="12" height="12" fill="${CURRENT_COLOR}"/><text x="${left + 106}" y="16" font-size="11">current</text>
${bars}
<text x="${(left + (width - left) / 2).toFixed(0)}" y="${height - 4}" font-size="10" text-anchor="middle" fill="#555">${xTitle}</text>
<text x="10" y="${top + plotH / 2}" font-size="10" text-anchor="middle" fill="#555" transform="rotate(-90 10 ${top + plotH / 2})">share of values</text>
</svg>`;
}
