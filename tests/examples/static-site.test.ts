import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readArticles } from '../../examples/lib/articles.js'
import { buildRelatedFile, type BuildSummary } from '../../examples/static-site.js'
import { RelatedIndex } from '../../src/index.js'
import { runExample, tempDir } from './run.js'

interface SiteLink {
  id: string
  title: string
  publishedAt?: string
  score: number
  sharedEntities: string[]
  sharedTerms: string[]
}

interface SiteFile {
  k: number
  articles: number
  related: Record<string, SiteLink[]>
}

describe('examples/static-site.ts', () => {
  const dir = tempDir()
  const output = join(dir, 'public', 'related.json') // the folder does not exist yet
  let summary: BuildSummary
  let file: SiteFile
  let index: RelatedIndex

  beforeAll(async () => {
    summary = await buildRelatedFile({ output, k: 3 })
    file = JSON.parse(readFileSync(output, 'utf8')) as SiteFile
    index = new RelatedIndex()
    index.addAll(readArticles())
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes one JSON file with a list for every article, ids in code-unit order', () => {
    expect(file.k).toBe(3)
    expect(file.articles).toBe(292)
    const ids = Object.keys(file.related)
    expect(ids).toEqual(index.ids().sort())
    expect(summary).toMatchObject({ output, articles: 292, bytes: readFileSync(output).length })
    expect(summary.links).toBe(Object.values(file.related).reduce((n, list) => n + list.length, 0))
  })

  it('holds the library ranking, with what a page needs to render each link', () => {
    for (const [id, links] of Object.entries(file.related)) {
      expect(links.length).toBeLessThanOrEqual(3)
      expect(links.map((l) => l.id)).not.toContain(id)
      expect(links.map((l) => l.id)).toEqual(index.related(id, { k: 3 }).map((r) => r.id))
      for (const link of links) {
        expect(link.title).toBe(index.get(link.id)?.title)
        expect(link.publishedAt).toBe(index.get(link.id)?.publishedAt)
        expect(link.score).toBeGreaterThan(0)
        expect(link.sharedEntities.length + link.sharedTerms.length).toBeGreaterThan(0)
      }
      const scores = links.map((l) => l.score)
      expect(scores).toEqual([...scores].sort((a, b) => b - a))
    }
  })

  it('leaves no temporary file beside the output', () => {
    expect(readdirSync(join(dir, 'public'))).toEqual(['related.json'])
  })

  it('drops links below minScore', async () => {
    const strong = join(dir, 'strong.json')
    await buildRelatedFile({ output: strong, k: 5, minScore: 0.4 })
    const links = Object.values((JSON.parse(readFileSync(strong, 'utf8')) as SiteFile).related).flat()
    expect(links.length).toBeGreaterThan(0)
    expect(links.every((l) => l.score >= 0.4)).toBe(true)
  })

  it('refuses a bad k before creating any file', async () => {
    const bad = join(dir, 'bad', 'related.json')
    await expect(buildRelatedFile({ output: bad, k: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION', field: 'k' })
    expect(existsSync(join(dir, 'bad'))).toBe(false)
  })

  it('runs from the command line and writes the same bytes for the same articles', () => {
    const again = join(dir, 'cli.json')
    const run = runExample('static-site.ts', [join('examples', 'data', 'reuters-sample.jsonl'), again, '--k', '3'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Wrote \d+ related links for 292 articles to .*cli\.json/)
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(output, 'utf8'))
  })

  it('exits 1 with the library message for a bad --k', () => {
    const run = runExample('static-site.ts', [join('examples', 'data', 'reuters-sample.jsonl'), join(dir, 'never.json'), '--k', 'many'])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^static-site: k must be an integer/)
    expect(existsSync(join(dir, 'never.json'))).toBe(false)
  })
})
