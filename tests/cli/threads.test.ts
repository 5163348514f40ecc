import { readFileSync, rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, ensureBuilt, sampleSlice, tempDir, write } from './helpers.js'

let dir: string
let articlesPath: string

beforeAll(() => {
  ensureBuilt()
  dir = tempDir()
  articlesPath = write(dir, 'articles.jsonl', sampleSlice(60).text)
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('batch --threads', () => {
  it('writes the same lists in the same order on worker threads as on one thread (the built worker file)', () => {
    const one = cli(['batch', articlesPath, '--k', '5', '--threads', '1'])
    const two = cli(['batch', articlesPath, '--k', '5', '--threads', '2'])
    expect(one.code).toBe(0)
    expect(two.code).toBe(0)
    expect(two.stderr).toBe('')
    expect(two.stdout).toBe(one.stdout)
    expect(cli(['batch', articlesPath, '--k', '5']).stdout).toBe(one.stdout)
  })

  it.each(['0', '65', '1.5', 'two'])('refuses --threads %s with exit code 2', (threads) => {
    const run = cli(['batch', articlesPath, '--threads', threads])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/--threads must be an integer from 1 to 64/)
  })
})

describe('index --threads', () => {
  it('writes the same snapshot with analysis on worker threads as on one thread', () => {
    const one = `${dir}/one.snapshot`
    const two = `${dir}/two.snapshot`
    expect(cli(['index', articlesPath, '-o', one, '--threads', '1']).code).toBe(0)
    expect(cli(['index', articlesPath, '-o', two, '--threads', '2']).code).toBe(0)
    expect(readFileSync(two)).toEqual(readFileSync(one))
  })
})
