/** The library's version, written into snapshots (from package.json at build time). @internal */
export { version as LIBRARY_VERSION } from '../package.json'
