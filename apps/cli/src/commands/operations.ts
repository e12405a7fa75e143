import type { CommandModule } from 'yargs';
import { defineCommand } from '../define-command.js';
import { networkExposureWarning, nyseCalendar } from '@spyglass/core';
import { createDashboardServer } from '@spyglass/dashboard';
import { HardwareMonitor, buildHealthSnapshot, renderHealthText } from '@spyglass/monitoring';
import { dataHealthInputs } from '@spyglass/pipeline';
import { loadContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';

/** `spyglass health`: freshness, quarantine, schema drift, workers and the machine, in one verdict. */
export const healthCommand = defineCommand({
  command: 'health',
  aliases: ['report-hardware'],
  describe: 'health snapshot: data freshness per dataset, quarantine, schema drift, workers, CPU/memory/disk',
  handler: async (a) => {
    const ctx = loadContext(a);
    const hardware = new HardwareMonitor({ dataRoot: ctx.dataRoot });
    const snapshot = await buildHealthSnapshot({ ...dataHealthInputs(ctx.dataRoot), calendar: nyseCalendar, hardware: () => hardware.sample() });
    printResult(a, snapshot, () => renderHealthText(snapshot));
    if (snapshot.status === 'critical') process.exitCode = 1;
  },
});

/** `spyglass dashboard`: the local web dashboard (Data, Options scanner, Model, Live signals tabs). */
export const dashboardCommand = defineCommand({
  command: 'dashboard',
  describe: 'serve the local dashboard (data coverage, options scanner, model) until Ctrl-C',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 8501 })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'interface to bind (loopback unless told otherwise)' })
      .option('signals-url', { type: 'string', describe: 'live signals event stream for the Live signals tab, e.g. http://127.0.0.1:9465/signals (stream-signals --sse-port)' }),
  handler: async (a) => {
    const ctx = loadContext(a);
    const health = dataHealthInputs(ctx.dataRoot);
    const server = await createDashboardServer({
      root: ctx.dataRoot, host: a.host, port: a.port, calendar: nyseCalendar, schemaDrift: health.schemaDrift,
      ...(a['signals-url'] ? { signalsUrl: a['signals-url'] } : {}),
    });
    const exposed = networkExposureWarning('the dashboard', a.host);
    if (exposed) process.stderr.write(`${exposed}\n`);
    printResult(a, { url: server.url }, () => `dashboard on ${server.url} (data root ${ctx.dataRoot}); Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
  },
});
