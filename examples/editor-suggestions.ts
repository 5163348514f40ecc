/**
 * Suggestions while an editor writes: each time the draft grows (here, by one sentence), ask
 * `relatedTo` for the three stories to link or read, as a CMS side panel would.
 *
 *   npx tsx examples/editor-suggestions.ts
 *
 * A draft has no id and is not stored, so asking costs one analysis and one query (a few
 * milliseconds) and changes nothing. A real editor would call it when typing pauses (a debounce
 * of half a second or so) rather than on every key. `pastOnly` keeps stories published before the
 * draft's date: background for the piece, not follow-ups that cannot exist yet.
 *
 * The draft below was written for this example (it is not a Reuters text); the archive is the
 * bundled Reuters-21578 sample of 1987 stories. The headline alone matches on words ("press"
 * finds a Bundesbank press conference); once the body names Brazil, Colombia and the
 * International Coffee Organization, the suggestions settle on the coffee quota story.
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RelatedIndex, type Draft, type RelatedResult } from '../src/index.js' // in your project: from 'related-articles'
import { readArticles } from './lib/articles.js'

/** A draft as the editor writes it: a headline, then the body one sentence at a time. */
export const DRAFT = {
  title: 'Producers press for return of export quotas',
  publishedAt: '1987-04-02T12:00:00Z',
  sentences: [
    'Exporting countries will meet next month to discuss bringing back the export quotas that held prices up until last year.',
    'Brazil and Colombia, the largest coffee growers, want the International Coffee Organization to agree new quotas before the crop year begins.',
    'Colombian officials said prices in New York had fallen to their lowest level in four years since the quotas were suspended.',
    'Consumer countries led by the United States have so far refused to negotiate, saying the quota shares must first be revised.',
  ],
} as const

/** The suggestions after one edit. */
export interface SuggestionStep {
  /** Sentences of the body written so far (0: headline only). */
  sentences: number
  suggestions: RelatedResult[]
}

/** Replays the writing of `draft`: suggestions for the headline alone, then after each sentence. */
export function suggestWhileWriting(
  index: RelatedIndex,
  draft: { title: string; publishedAt?: string; sentences: readonly string[] },
  k = 3,
): SuggestionStep[] {
  const steps: SuggestionStep[] = []
  for (let n = 0; n <= draft.sentences.length; n++) {
    const partial: Draft = { title: draft.title, body: draft.sentences.slice(0, n).join(' '), publishedAt: draft.publishedAt }
    steps.push({ sentences: n, suggestions: index.relatedTo(partial, { k, pastOnly: true }) })
  }
  return steps
}

function main(): void {
  const index = new RelatedIndex()
  index.addAll(readArticles())
  console.log(`Archive: ${index.size} Reuters stories (Reuters-21578, Distribution 1.0).\n`)
  console.log(`Headline: ${DRAFT.title}`)
  for (const step of suggestWhileWriting(index, DRAFT)) {
    if (step.sentences > 0) console.log(`\n+ "${DRAFT.sentences[step.sentences - 1]}"`)
    console.log(`  Suggestions after ${step.sentences === 0 ? 'the headline' : `${step.sentences} sentence${step.sentences > 1 ? 's' : ''}`}:`)
    if (step.suggestions.length === 0) console.log('    (none yet)')
    step.suggestions.forEach((r, i) => {
      const article = index.get(r.id)
      const why = [...r.reasons.sharedEntities.slice(0, 3), ...r.reasons.sharedTerms.slice(0, 3).map((t) => `"${t}"`)].join(', ')
      console.log(`    ${i + 1}. ${r.score.toFixed(3)}  ${article?.title ?? r.id}  [${r.id}]`)
      console.log(`       ${why}`)
    })
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
