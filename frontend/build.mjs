// `make assets` (npm run build): the portal's CSS and JavaScript from the Bootstrap Italia sources, with only
// the parts the templates use, written with content hashes to ../static/build/ (committed, so running the
// portal needs no Node). static/build/manifest.json maps each logical name to its hashed file and records
// the SHA-256 of every source file (everything under frontend/ but node_modules/), so that a test
// (tests/pagine/test_risorse_frontend.py) fails when the committed build is older than its sources.
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as esbuild from 'esbuild'
import * as sass from 'sass'

const FRONTEND = dirname(fileURLToPath(import.meta.url))
const RADICE = dirname(FRONTEND)
const USCITA = join(RADICE, 'static', 'build')

// Sass warnings about Bootstrap Italia's own code (its @import and global functions) are not ours to fix.
const DEPRECAZIONI_DI_BOOTSTRAP_ITALIA = ['import', 'global-builtin', 'color-functions', 'slash-div']

function sha256(contenuto) {
  return createHash('sha256').update(contenuto).digest('hex')
}

/** Every source file under frontend/ (sorted, POSIX paths relative to the repository root). */
function sorgenti(cartella = FRONTEND) {
  const trovati = []
  for (const voce of readdirSync(cartella, { withFileTypes: true })) {
    if (voce.name === 'node_modules' || voce.name.startsWith('.')) continue
    const percorso = join(cartella, voce.name)
    if (voce.isDirectory()) trovati.push(...sorgenti(percorso))
    else trovati.push(relative(RADICE, percorso).split(sep).join('/'))
  }
  return trovati.sort()
}

function css(entrata) {
  return sass.compile(join(FRONTEND, entrata), {
    loadPaths: [join(FRONTEND, 'node_modules')],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: DEPRECAZIONI_DI_BOOTSTRAP_ITALIA,
  }).css
}

function conHash(nome, contenuto) {
  const punto = nome.lastIndexOf('.')
  return `${nome.slice(0, punto)}.${sha256(contenuto).slice(0, 12)}${nome.slice(punto)}`
}

rmSync(USCITA, { recursive: true, force: true })
mkdirSync(USCITA, { recursive: true })
const file = {}
function scrivi(nome, contenuto, nomeFinale = conHash(nome, contenuto)) {
  writeFileSync(join(USCITA, nomeFinale), contenuto)
  file[nome] = nomeFinale
  console.log(`static/build/${nomeFinale}: ${Buffer.byteLength(contenuto)} byte`)
}

// Fonts: the WOFF2 subsets of frontend/fonts/ (sottoinsiemi_font.py), declared at the top of the stylesheet
// with font-display: swap (text shows at once in the fallback font). Each face is two files, "latin" and
// "latin-ext", each declared with its unicode-range (fonts/insiemi.json): the browser fetches a file only
// when the page has a character of its range. base.html preloads the three that the first screen needs
// (400, 600 and 700, latin).
const FAMIGLIE = { 'titillium-web': 'Titillium Web', lora: 'Lora', 'roboto-mono': 'Roboto Mono' }
const INSIEMI = JSON.parse(readFileSync(join(FRONTEND, 'fonts', 'insiemi.json'), 'utf8'))
const facce = []
for (const nome of readdirSync(join(FRONTEND, 'fonts')).filter((n) => n.endsWith('.woff2')).sort()) {
  const [, famiglia, peso, corsivo, insieme = 'latin'] = nome.match(
    /^([a-z-]+?)-(\d{3})(-italic)?(?:-(latin-ext))?\.woff2$/,
  )
  const contenuto = readFileSync(join(FRONTEND, 'fonts', nome))
  scrivi(nome, contenuto)
  facce.push(
    `@font-face{font-family:"${FAMIGLIE[famiglia]}";font-style:${corsivo ? 'italic' : 'normal'};` +
      `font-weight:${peso};font-display:swap;src:url("${file[nome]}") format("woff2");` +
      `unicode-range:${INSIEMI[insieme]}}`,
  )
}

// Sass starts a compressed stylesheet with non-ASCII characters with a byte order mark: it must stay first.
const foglio = css('scss/portale.scss').replace(/^\uFEFF/, '')
scrivi('portale.css', '\uFEFF' + facce.join('') + foglio)

// The SVG sprite with only the icons of icone.json, cut from Bootstrap Italia's (1 in 45 of its symbols).
const spriteIntero = readFileSync(join(FRONTEND, 'node_modules/bootstrap-italia/dist/svg/sprites.svg'), 'utf8')
const simboli = JSON.parse(readFileSync(join(FRONTEND, 'icone.json'), 'utf8')).icone.map((id) => {
  const simbolo = spriteIntero.match(new RegExp(`<symbol id="${id}"[^>]*>[\\s\\S]*?</symbol>`))
  if (!simbolo) throw new Error(`${id} is not in Bootstrap Italia's sprite`)
  return simbolo[0]
})
scrivi('sprites.svg', `<svg xmlns="http://www.w3.org/2000/svg">${simboli.join('')}</svg>\n`)

// JavaScript: ES modules with code splitting, so that a chunk imported with import() (the autocomplete)
// is fetched only by the pages that need it; esbuild names every file by its content hash.
const js = await esbuild.build({
  entryPoints: { 'bootstrap-italia': join(FRONTEND, 'js', 'bootstrap-italia.js') },
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: ['es2019'],
  legalComments: 'eof',
  entryNames: '[name].[hash]',
  chunkNames: '[name].[hash]',
  outdir: USCITA,
  write: false,
})
for (const uscita of js.outputFiles) {
  // The entry point under its logical name (what templates ask for), the chunks it imports by theirs.
  const nomeFinale = relative(USCITA, uscita.path).split(sep).join('/')
  const nome = nomeFinale.startsWith('bootstrap-italia.') ? 'bootstrap-italia.js' : nomeFinale
  scrivi(nome, uscita.text, nomeFinale)
}
const manifesto = {
  file,
  sorgenti: Object.fromEntries(sorgenti().map((p) => [p, sha256(readFileSync(join(RADICE, p)))])),
}
writeFileSync(join(USCITA, 'manifest.json'), JSON.stringify(manifesto, null, 2) + '\n')
