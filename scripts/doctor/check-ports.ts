import type { Config } from '../../config/schema.js';
import { markers, type DoctorContext } from './context.js';
import { error, ok, type Finding } from './finding.js';
import { portAnswers, portHolder } from './port-holder.js';

interface WantedPort {
  readonly port: number;
  readonly variable: string;
  readonly purpose: string;
  /** In the command line of this project's own process on that port. */
  readonly ourMarker: string;
}

/** The ports `npm run dev` listens on are free, or held by this project's own processes. */
export async function checkPorts(context: DoctorContext, config: Config): Promise<Finding[]> {
  const wanted: WantedPort[] = [{ port: config.API_PORT, variable: 'API_PORT', purpose: 'the API', ourMarker: markers.api }];
  if (!context.env.TEMPORAL_ADDRESS) {
    const temporal = markers.temporal(context.dataDir);
    wanted.push({ port: Number(context.env.TEMPORAL_PORT || 7233), variable: 'TEMPORAL_PORT', purpose: 'the Temporal dev server', ourMarker: temporal });
    wanted.push({ port: Number(context.env.TEMPORAL_UI_PORT || 8233), variable: 'TEMPORAL_UI_PORT', purpose: 'the Temporal Web UI', ourMarker: temporal });
  }
  return Promise.all(wanted.map((port) => checkPort(port)));
}

async function checkPort({ port, variable, purpose, ourMarker }: WantedPort): Promise<Finding> {
  const subject = `port ${port} (${variable})`;
  if (!(await portAnswers(port))) return ok(subject, `free for ${purpose}`);
  const holder = await portHolder(port);
  if (holder?.commandLine.includes(ourMarker)) return ok(subject, `in use by this project's ${purpose.replace(/^the /, '')} (pid ${holder.pid})`);
  const who = holder ? `${holder.name} (pid ${holder.pid})` : 'a process this user cannot see';
  const stop = holder ? `stop it (kill ${holder.pid})` : 'stop that process';
  return error(subject, `wanted for ${purpose}, but taken by ${who}`, `${stop}, or set ${variable} to a free port`);
}
