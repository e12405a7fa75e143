// A local Nx plugin (no @nx/* package needed): gives every publishable library the
// `nx-release-publish` target that `nx release publish` runs, implemented by publish-package.mjs.
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

exports.createNodesV2 = [
  'libs/*/package.json',
  async (files, _options, context) =>
    files.flatMap((file) => {
      const manifest = JSON.parse(readFileSync(join(context.workspaceRoot, file), 'utf8'));
      if (manifest.private) return [];
      const root = dirname(file);
      return [
        [
          file,
          {
            projects: {
              [root]: {
                targets: {
                  'nx-release-publish': {
                    executor: 'nx:run-commands',
                    dependsOn: ['build'],
                    options: { command: `node tools/release/publish-package.mjs ${root}`, cwd: '{workspaceRoot}' },
                  },
                },
              },
            },
          },
        ],
      ];
    }),
];
