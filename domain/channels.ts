/**
 * Which channels to try, in order, for an action that reaches a person: the action's own channel
 * first, then the fallbacks, leaving out channels the customer cannot be reached on.
 */
export type Channel = 'email' | 'sms' | 'letter' | 'call_task';

export interface Reachability {
  readonly email: boolean;
  readonly phone: boolean;
  readonly postalAddress: boolean;
}

const fallbacks: Record<Channel, readonly Channel[]> = {
  email: ['email', 'sms', 'letter'],
  sms: ['sms', 'email', 'letter'],
  letter: ['letter', 'email'],
  call_task: ['call_task', 'email', 'letter'],
};

const usable = (channel: Channel, reach: Reachability) =>
  channel === 'email' ? reach.email : channel === 'letter' ? reach.postalAddress : reach.phone;

export function channelsToTry(action: Channel, reach: Reachability): Channel[] {
  return fallbacks[action].filter((channel) => usable(channel, reach));
}
