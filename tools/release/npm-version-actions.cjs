// nx release's version actions for plain npm packages (package.json + npm registry), so that
// `nx release` versions the libraries without the @nx/js plugin (which stops at nx 23; this
// workspace runs nx 24 plugin-free). Referenced from nx.json `release.version.versionActions`.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { VersionActions } = require('nx/release');

const DEPENDENCY_COLLECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

class NpmVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  manifestPath() {
    return join(this.projectGraphNode.data.root, 'package.json');
  }

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = this.manifestPath();
    if (!tree.exists(manifestPath)) return null;
    return { currentVersion: JSON.parse(tree.read(manifestPath, 'utf8')).version, manifestPath };
  }

  async readCurrentVersionFromRegistry(tree, metadata) {
    const { name } = JSON.parse(tree.read(this.manifestPath(), 'utf8'));
    const registry = metadata?.registry ?? 'https://registry.npmjs.org/';
    const tag = metadata?.tag ?? 'latest';
    try {
      const out = execFileSync('npm', ['view', `${name}@${tag}`, 'version', '--registry', registry], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return { currentVersion: out.trim() || null, logText: `${registry} (${tag})` };
    } catch {
      return { currentVersion: null, logText: `${registry}: not published` };
    }
  }

  async readCurrentVersionOfDependency(tree, projectGraph, dependencyProjectName) {
    const manifest = JSON.parse(tree.read(this.manifestPath(), 'utf8'));
    const depManifest = JSON.parse(tree.read(join(projectGraph.nodes[dependencyProjectName].data.root, 'package.json'), 'utf8'));
    for (const collection of DEPENDENCY_COLLECTIONS) {
      const version = manifest[collection]?.[depManifest.name];
      if (version !== undefined) return { currentVersion: version, dependencyCollection: collection };
    }
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    const manifestPath = this.manifestPath();
    const manifest = JSON.parse(tree.read(manifestPath, 'utf8'));
    manifest.version = newVersion;
    tree.write(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    return [`New version ${newVersion} written to manifest: ${manifestPath}`];
  }

  async updateProjectDependencies(tree, projectGraph, dependenciesToUpdate) {
    const manifestPath = this.manifestPath();
    const manifest = JSON.parse(tree.read(manifestPath, 'utf8'));
    const logs = [];
    for (const [project, version] of Object.entries(dependenciesToUpdate)) {
      const depName = JSON.parse(tree.read(join(projectGraph.nodes[project].data.root, 'package.json'), 'utf8')).name;
      for (const collection of DEPENDENCY_COLLECTIONS) {
        // Exact versions on purpose: the libraries are released together (fixed versioning).
        if (manifest[collection]?.[depName] !== undefined) manifest[collection][depName] = version;
      }
      logs.push(`${depName} → ${version}`);
    }
    tree.write(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    return logs.length ? [`Updated ${logs.length} dependencies in ${manifestPath}: ${logs.join(', ')}`] : [];
  }
}

// The lockfile records each workspace package's version: refresh it once after all are versioned.
async function afterAllProjectsVersioned(cwd, { dryRun }) {
  if (dryRun) return { changedFiles: ['package-lock.json'], deletedFiles: [] };
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd, stdio: 'inherit' });
  return { changedFiles: ['package-lock.json'], deletedFiles: [] };
}

module.exports = NpmVersionActions;
module.exports.default = NpmVersionActions;
module.exports.afterAllProjectsVersioned = afterAllProjectsVersioned;
