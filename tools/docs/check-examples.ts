// Compiles every JSDoc `@example` of the libraries so examples cannot rot. Each example becomes a
// module that imports what it uses from the public entries (`@spyglass/*`, built `dist/` types),
// names exported by the file it documents (from that file's built declarations), and Node built-ins.
// Names an example takes from its context (`booster`, `config`, …) are declared `any` — but a free
// name that is called, constructed or used as a type is an error: that is how a renamed or removed
// export shows. Usage: node --import tsx tools/docs/check-examples.ts [--json] [--write-baseline]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { publishablePackages } from '../release/workspace-packages.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, '.scratch/examples-check');
// Node built-ins an example may use without importing them (a short list: a broad one would bind
// context names like `log` or `histogram` to unrelated Node exports).
const NODE_NAMES: Record<string, string> = {
  join: 'node:path', resolve: 'node:path', dirname: 'node:path', basename: 'node:path',
  readFileSync: 'node:fs', writeFileSync: 'node:fs', existsSync: 'node:fs', mkdirSync: 'node:fs', mkdtempSync: 'node:fs', rmSync: 'node:fs', readdirSync: 'node:fs',
  readFile: 'node:fs/promises', writeFile: 'node:fs/promises', mkdtemp: 'node:fs/promises', rm: 'node:fs/promises',
  tmpdir: 'node:os', fileURLToPath: 'node:url', createServer: 'node:http',
};
const BASELINE = join(ROOT, 'tools/docs/examples-baseline.json');
const CANNOT_FIND = new Set([2304, 2552, 2582, 2503, 18004]);

interface Example {
  readonly pkg: string;
  readonly file: string; // relative to ROOT
  readonly line: number;
  readonly code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name.startsWith('__') ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The ```ts fences inside `@example` tags of a file's JSDoc comments. */
function examplesOf(pkg: string, file: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const out: Example[] = [];
  const comment = /\/\*\*[\s\S]*?\*\//g;
  for (let m = comment.exec(text); m; m = comment.exec(text)) {
    const body = m[0].split('\n').map((l) => l.replace(/^\s*\/?\*+\/?\s?/, ''));
    let inExample = false;
    for (let i = 0; i < body.length; i++) {
      if (/^@\w+/.test(body[i]!)) inExample = body[i]!.startsWith('@example');
      if (!inExample || !/^```(ts|typescript)\s*$/.test(body[i]!)) continue;
      const end = body.indexOf('```', i + 1);
      if (end < 0) break;
      const line = text.slice(0, m.index).split('\n').length + i + 1;
      out.push({ pkg, file: relative(ROOT, file), line, code: body.slice(i + 1, end).join('\n') });
      i = end;
    }
  }
  return out;
}

/** Names (values and types) each module exports, read through one compiler program. */
function exportsOf(specifiers: readonly string[], fromDir: string): Map<string, string[]> {
  const stub = join(fromDir, '__exports__.ts');
  writeFileSync(stub, specifiers.map((s, i) => `import * as m${i} from '${s}';\nexport { m${i} };`).join('\n'));
  const program = ts.createProgram([stub], compilerOptions());
  const checker = program.getTypeChecker();
  const out = new Map<string, string[]>();
  program.getSourceFile(stub)!.statements.filter(ts.isImportDeclaration).forEach((decl, i) => {
    const symbol = checker.getSymbolAtLocation(decl.moduleSpecifier);
    out.set(specifiers[i]!, symbol ? checker.getExportsOfModule(symbol).map((e) => e.name) : []);
  });
  rmSync(stub);
  return out;
}

/** name → the first module (in `specifiers` order) that exports it. */
function firstExporter(exports: Map<string, string[]>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [spec, list] of exports) for (const n of list) if (!names.has(n)) names.set(n, spec);
  return names;
}

function compilerOptions(): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    // A callback on a context name (declared \`any\`) has untyped parameters; that is not rot.
    noImplicitAny: false,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
  };
}

function exampleKey(ex: Example): string {
  return `${ex.file}#${createHash('sha256').update(ex.code).digest('hex').slice(0, 12)}`;
}

const identifierRe = /[A-Za-z_$][\w$]*/g;

function build(example: Example, imports: Map<string, string>, own: Map<string, string>, declared: readonly string[]): string {
  const lines = example.code.split('\n');
  const ownImports = lines.filter((l) => /^\s*import\s/.test(l));
  const body = lines.filter((l) => !/^\s*import\s/.test(l)).join('\n');
  const bound = new Set<string>(ownImports.flatMap((l) => l.match(identifierRe) ?? []));
  const used = new Set(body.match(identifierRe) ?? []);
  const bySource = new Map<string, string[]>();
  for (const name of used) {
    if (bound.has(name)) continue;
    const from = own.get(name) ?? imports.get(name);
    if (from) bySource.set(from, [...(bySource.get(from) ?? []), name]);
  }
  return [
    ...ownImports,
    ...[...bySource].map(([from, names]) => `import { ${names.sort().join(', ')} } from '${from}';`),
    ...declared.map((d) => `declare const ${d}: any;`),
    'export {};',
    'async function example(): Promise<void> {',
    body,
    '}',
    'void example;',
    '',
  ].join('\n');
}

/** Whether the identifier at `pos` is used as a callee, a `new` target or a type: a missing one is rot. */
function usedAsApi(source: ts.SourceFile, pos: number): boolean {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (pos >= n.getStart(source) && pos < n.getEnd()) {
      if (ts.isIdentifier(n) && n.getStart(source) === pos) found = n;
      ts.forEachChild(n, visit);
    }
  };
  visit(source);
  const parent = found?.parent;
  if (!parent) return false;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === found) return true;
  return ts.isTypeReferenceNode(parent) || ts.isExpressionWithTypeArguments(parent) || ts.isTypeQueryNode(parent);
}

function main(): void {
  const json = process.argv.includes('--json');
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const packages = publishablePackages(ROOT);
  const publicEntries = packages.flatMap((p) => p.subpaths.map((s) => (s === '.' ? p.name : `${p.name}/${s.slice(2)}`)));
  const examples = packages.flatMap((p) => sourceFiles(join(ROOT, p.dir, 'src')).flatMap((f) => examplesOf(p.name, f)));
  // The documented file's own exports come from its built declarations (the types the public entry uses).
  const ownSpec = (ex: Example) => relative(OUT, join(ROOT, ex.file.replace(/\/src\//, '/dist/').replace(/\.ts$/, '.js')));
  const ownSpecs = [...new Set(examples.map(ownSpec))];
  const exports = exportsOf([...publicEntries, ...ownSpecs], OUT);
  const imports = new Map([...Object.entries(NODE_NAMES), ...firstExporter(new Map([...exports].filter(([s]) => !ownSpecs.includes(s))))]);
  const files = examples.map((ex, i) => {
    const spec = ownSpec(ex);
    const own = new Map((exports.get(spec) ?? []).map((n) => [n, spec] as const));
    return { ex, file: join(OUT, `${String(i).padStart(4, '0')}.ts`), own };
  });

  const compile = (declared: Map<string, string[]>) => {
    for (const f of files) writeFileSync(f.file, build(f.ex, imports, f.own, declared.get(f.file) ?? []));
    const program = ts.createProgram(files.map((f) => f.file), compilerOptions());
    return { program, diagnostics: ts.getPreEmitDiagnostics(program).filter((d) => d.file && d.file.fileName.startsWith(OUT)) };
  };

  // Pass 1: context names become `declare const …: any`; pass 2: whatever is left is a failure.
  const first = compile(new Map());
  const declared = new Map<string, string[]>();
  for (const d of first.diagnostics) {
    if (!CANNOT_FIND.has(d.code) || d.start === undefined) continue;
    const name = d.file!.text.slice(d.start, d.start + (d.length ?? 0));
    if (usedAsApi(d.file!, d.start)) continue;
    const list = declared.get(d.file!.fileName) ?? [];
    if (!list.includes(name)) declared.set(d.file!.fileName, [...list, name]);
  }
  const { diagnostics } = compile(declared);
  const byFile = new Map(files.map((f) => [f.file, f.ex]));
  const failures = diagnostics.map((d) => {
    const ex = byFile.get(d.file!.fileName)!;
    return { key: exampleKey(ex), example: `${ex.file}:${ex.line}`, message: ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]! };
  });
  // Examples that failed when this check was introduced are listed in the baseline (by file and a
  // hash of their code, so line shifts do not matter): they are reported, not failed, until fixed.
  // A new or edited example that fails, and a listed one that now passes, fail the check.
  const failingKeys = [...new Set(failures.map((f) => f.key))].sort();
  if (process.argv.includes('--write-baseline')) writeFileSync(BASELINE, `${JSON.stringify(failingKeys, null, 2)}\n`);
  const baseline = new Set<string>(existsSync(BASELINE) ? (JSON.parse(readFileSync(BASELINE, 'utf8')) as string[]) : []);
  const fresh = failures.filter((f) => !baseline.has(f.key));
  const fixed = [...baseline].filter((k) => !failingKeys.includes(k));
  if (json) process.stdout.write(`${JSON.stringify({ examples: examples.length, failures, fresh, fixed }, null, 2)}\n`);
  else {
    for (const f of fresh) process.stdout.write(`${f.example}: ${f.message}\n`);
    for (const k of fixed) process.stdout.write(`${k}: passes now — remove it from tools/docs/examples-baseline.json\n`);
    process.stdout.write(`examples: ${examples.length} compiled, ${failingKeys.length} failing (${failingKeys.length - new Set(fresh.map((f) => f.key)).size} known in the baseline), ${new Set(fresh.map((f) => f.key)).size} new\n`);
  }
  process.exitCode = fresh.length || fixed.length ? 1 : 0;
}

main();
