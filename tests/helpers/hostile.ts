/**
 * Units of markup and punctuation that, repeated, have made text pipelines quadratic: quote and
 * hyphen runs (wink's tokenizer), nested or unclosed tags, entity and script runs (the HTML
 * scanner). Tests repeat each one to a given size and check the work grows linearly.
 */
export const HOSTILE_MARKUP: ReadonlyArray<[why: string, unit: string]> = [
  ['quotes', "'"],
  ['a hyphen chain', 'a-'],
  ['nested divs', '<div>'],
  ['unclosed tags', '<a'],
  ['entities', '&amp;'],
  ['script openers', '<script>'],
]
