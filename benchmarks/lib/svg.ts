/**
 * A hand-written grouped bar chart (no chart library): one panel per dataset, one group per
 * ranker, bars for nDCG@10 and MAP on a 0-1 axis.
 */

interface Scores {
  ndcg10: number
  map: number
}

const SERIES = [
  { key: 'ndcg10', label: 'nDCG@10', color: '#4c78a8' },
  { key: 'map', label: 'MAP', color: '#f58518' },
] as const

const BAR_WIDTH = 16
const BAR_GAP = 2
const GROUP_GAP = 22
const PLOT_HEIGHT = 200
const MIN_LEFT = 48
const PANEL_TOP = 36
/** Ranker names are rotated by this many degrees under the axis. */
const LABEL_ANGLE = 40
/** Rough width of one label character at font size 11, to reserve room for rotated names. */
const CHAR_WIDTH = 6

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Renders the chart for `datasets` (dataset name → ranker name → scores). */
export function renderQualitySvg(datasets: Record<string, { rankers: Record<string, Scores> }>): string {
  const names = Object.keys(datasets)
  const groupWidth = SERIES.length * (BAR_WIDTH + BAR_GAP) + GROUP_GAP
  const maxGroups = Math.max(1, ...names.map((n) => Object.keys(datasets[n]?.rankers ?? {}).length))
  const longest = Math.max(10, ...names.flatMap((n) => Object.keys(datasets[n]?.rankers ?? {}).map((r) => r.length)))
  const radians = (LABEL_ANGLE * Math.PI) / 180
  // Rotated names reach down and to the left of their group: reserve both.
  const LEFT = Math.max(MIN_LEFT, Math.ceil(longest * CHAR_WIDTH * Math.cos(radians)) - 10)
  const PANEL_HEIGHT = PANEL_TOP + PLOT_HEIGHT + Math.ceil(longest * CHAR_WIDTH * Math.sin(radians)) + 30
  const width = Math.max(LEFT + 220, LEFT + maxGroups * groupWidth + 20)
  const height = 30 + Math.max(1, names.length) * PANEL_HEIGHT
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ]
  // Legend.
  SERIES.forEach((s, i) => {
    const x = LEFT + i * 90
    parts.push(`<rect x="${x}" y="10" width="12" height="12" fill="${s.color}"/>`, `<text x="${x + 16}" y="20">${s.label}</text>`)
  })
  names.forEach((dataset, p) => {
    const top = 30 + p * PANEL_HEIGHT
    const axisY = top + PANEL_TOP + PLOT_HEIGHT
    const y = (value: number) => axisY - Math.max(0, Math.min(1, value)) * PLOT_HEIGHT
    parts.push(`<text x="${LEFT}" y="${top + 20}" font-size="13" font-weight="bold">${escapeXml(dataset)}</text>`)
    for (let tick = 0; tick <= 5; tick++) {
      const value = tick / 5
      parts.push(
        `<line x1="${LEFT}" x2="${width - 10}" y1="${y(value)}" y2="${y(value)}" stroke="${tick === 0 ? '#333' : '#ddd'}"/>`,
        `<text x="${LEFT - 6}" y="${y(value) + 4}" text-anchor="end">${value.toFixed(1)}</text>`,
      )
    }
    Object.entries(datasets[dataset]?.rankers ?? {}).forEach(([ranker, scores], g) => {
      const groupX = LEFT + 10 + g * groupWidth
      SERIES.forEach((s, i) => {
        const value = scores[s.key]
        const x = groupX + i * (BAR_WIDTH + BAR_GAP)
        parts.push(
          `<rect x="${x}" y="${y(value).toFixed(1)}" width="${BAR_WIDTH}" height="${(axisY - y(value)).toFixed(1)}" fill="${s.color}"><title>${escapeXml(`${ranker} ${s.label} ${value.toFixed(3)}`)}</title></rect>`,
          `<text x="${x + BAR_WIDTH / 2}" y="${(y(value) - 3).toFixed(1)}" text-anchor="middle" font-size="8">${value.toFixed(2).replace(/^0/, '')}</text>`,
        )
      })
      const labelX = groupX + (SERIES.length * (BAR_WIDTH + BAR_GAP)) / 2
      parts.push(`<text x="${labelX}" y="${axisY + 12}" text-anchor="end" transform="rotate(-${LABEL_ANGLE} ${labelX} ${axisY + 12})">${escapeXml(ranker)}</text>`)
    })
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
