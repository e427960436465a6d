import { ConfigError, parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { error, ok, type Finding } from './finding.js';

/** Every setting valid, and which providers are real and which are local sinks. */
export function checkConfig(env: NodeJS.ProcessEnv): { findings: Finding[]; config: Config | undefined } {
  let config: Config;
  try {
    config = parseConfig(env);
  } catch (caught) {
    if (!(caught instanceof ConfigError)) throw caught;
    const findings = caught.problems.map((problem) =>
      error('settings', problem, `fix or unset ${problem.split(' ')[0]} in your environment (see the README's Configuration table)`),
    );
    return { findings, config: undefined };
  }
  const provider = (name: string, configured: boolean, variables: string) =>
    ok(name, configured ? 'configured: messages are really sent' : `not configured: a local sink records what would be sent (set ${variables} to send)`);
  return {
    config,
    findings: [
      ok('settings', 'all environment variables are valid'),
      provider('SendGrid (email)', Boolean(config.SENDGRID_API_KEY), 'SENDGRID_API_KEY and SENDGRID_FROM_EMAIL'),
      provider('Lob (letters)', Boolean(config.LOB_API_KEY), 'LOB_API_KEY and LOB_FROM_ADDRESS_ID'),
      provider('Twilio (SMS, calls)', Boolean(config.TWILIO_ACCOUNT_SID), 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER'),
    ],
  };
}
